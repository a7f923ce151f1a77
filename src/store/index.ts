/** Public API of the SQLite storage layer. */
export { openDatabase, BUSY_TIMEOUT_MS, type Database, type OpenOptions } from './db.js';
export { backupDatabase, type BackupReport } from './backup.js';
export { migrate, readSchemaVersion, MIGRATIONS, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { StoreError, StoreValidationError, SchemaVersionError, RunNotFoundError, RunStateError } from './shared.js';
export { getFeature, getFeatures, putFeatures, countFeatures, forgetFeatures, type FeatureKey, type FeatureRecord } from './features.js';
export {
  createRun,
  markRunning,
  recordEpoch,
  finishRun,
  failRun,
  cancelRun,
  interruptRun,
  getRun,
  listRuns,
  runningRun,
  interruptUnfinishedRuns,
  RUN_STATUSES,
  FINAL_RUN_STATUSES,
  type RunStatus,
  type NewRun,
  type RunRecord,
  type RunWithEpochs,
  type EpochMetrics,
  type FinishRun,
} from './runs.js';
export { saveResult, getResult, leaderboard, type RunResult, type ConfusionMatrix, type LeaderboardRow } from './results.js';
export { recordGalleryResult, listGalleryResults, forgetGalleryResult, type GalleryResult } from './gallery-results.js';
export {
  getActiveModel,
  pinActiveModel,
  offerModel,
  clearPin,
  resetActiveModel,
  type ActiveModel,
  type ModelOffer,
  type OfferOutcome,
  type PromotionRule,
} from './active-model.js';
