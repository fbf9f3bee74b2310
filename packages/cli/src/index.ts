export { buildProgram, main } from './main';
export { createContext, createRegistry, readPipelineSpec, DEFAULT_PIPELINE, type CliContext } from './context';
export { collectEnrolItems, identityFromFile, type EnrolItem } from './enrol-items';
export { enroll, type EnrollOptions, type EnrollReport } from './enroll';
export { identify, type IdentifyOptions, type IdentifyReport } from './identify';
export { verify, type VerifyReport } from './verify';
export { runDemo, DEMO_PHOTOS_DIR, type DemoResult, type DemoDistance } from './demo';
export { demoHtml, demoTable } from './demo-report';
