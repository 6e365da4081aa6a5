// Replaying real recordings through the kernel and the user's drivers (docs/replay.md): one kernel
// per recorded host, driven by its Sysmon events 1, 5, 6 and 7 in UtcTime order.
export { replay, DEFAULT_BUILD, DEFAULT_REORDER_WINDOW_MS, NO_HOST, type ReplayResult } from './engine.js';
export { REPLAY_DRIVER_FOLDER } from './host.js';
export { ReorderBuffer, type Timed } from './reorder.js';
export { fnv1a32, hostMatcher, HostFilter, parseShard, shardOf, type Shard } from './shard.js';
export { ReplayStats, type HostStats, type ReplayNotes, type ReplayStatsJson, type SkipReason } from './stats.js';
export { labelOf, factsOf, type Label } from './signature.js';
export { volumePathOf } from './paths.js';
export { parseUtcTime } from './time.js';
export type {
  HostInfo,
  ProblemKind,
  RecordSource,
  ReplayDriver,
  ReplayNotification,
  ReplayObserver,
  ReplayOptions,
  ReplayProblem,
} from './types.js';
