import { squintProject } from '../../vitest.shared';

export default squintProject('web');
