import { sharedProject } from '../../vitest.shared';

export default sharedProject({ testTimeout: 30_000 });
