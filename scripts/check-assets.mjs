// prepublishOnly guard: assets/ is generated at install time (gitignored), so a publish from a tree
// where `npm ci` did not run would ship a package without its model files. Refuse that.
// Usage (from a package folder): node ../../scripts/check-assets.mjs assets/a.onnx assets/b.onnx ...
import { statSync } from 'node:fs';

const missing = process.argv.slice(2).filter((f) => {
  try {
    return statSync(f).size === 0;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  console.error(`refusing to publish: missing or empty ${missing.join(', ')}; run npm ci at the repository root first`);
  process.exit(1);
}
