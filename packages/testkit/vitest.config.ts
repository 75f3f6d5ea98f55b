import { sharedProject } from '../../vitest.shared';

export default sharedProject({ testTimeout: 40_000 });
