// Checkpoints: RFC 6962 Merkle roots over the ledger's chain heads and the records that decide
// what verify counts, recorded on demand and on the server's schedule, for publication.
export { type Checkpoint, type RecordOptions, recordCheckpoint } from "./record.ts";
export { listCheckpoints, MAX_CHECKPOINT_PAGE } from "./read.ts";
export { EMPTY_ROOT, Frontier, leafHash, nodeHash } from "./merkle.ts";
export { LEAF_KINDS, type LeafKind, leafBytes } from "./leaves.ts";
export { type CheckpointSchedule, checkpointSchedule } from "./schedule.ts";
