export {
  type LiveSession,
  type PlayEvent,
  type PlayoutEntry,
  PlayoutScheduler,
  type PlayStartEvent,
  type Priority,
  type SchedulerConfig,
  type SchedulerOptions,
  type SchedulerState,
} from './playout-scheduler';
export { TestClock } from './test-clock';
export {
  type BroadcastWindow,
  checkQuietHours,
  checkWindows,
  DEFAULT_TIME_ZONE,
  localTimeOf,
  nextStartTime,
  type QuietHours,
  type StartConstraints,
} from './zoned-time';
