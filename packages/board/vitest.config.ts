import { sharedProject } from '../../vitest.shared';

// Browser tests launch Chromium and wait for real timers (a slide lasts seconds): allow a loaded
// 2-core machine more time than the default.
export default sharedProject({ testTimeout: 60_000 });
