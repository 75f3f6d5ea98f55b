import { sharedProject } from '../../vitest.shared';

export default sharedProject();
