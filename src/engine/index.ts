/**
 * The engine's public API. `createEngine()` is the front door for recognition; `TrainingService`
 * trains heads in a worker thread. Everything else in src/engine is internal and may change.
 */
export { createEngine, chooseModelDir, PACKAGE_MODEL_DIR, type EngineOptions } from './create.js';
export type { EngineEvent, EngineLog } from './events.js';
export { LookalikeEngine, rankMatches, type FaceAnswer, type ImageInput, type Match, type Prediction, type RecognitionOptions } from './lookalike.js';
export type { StageTimings } from './extract/face-embedder.js';
export type { Box } from '../base/box.js';
export type { ImageLimits } from './image/decode.js';
export type { BackendInfo, BackendName } from './runtime/backend.js';
export type { BackendChoice } from './run-options.js';
export type { RuntimeInfo } from './runtime/runtime.js';
export type { LoadedModel } from './model/model-dir.js';
export type { ModelManifest } from './model/manifest.js';
export { TrainingService, TrainingBusyError, type RunningTraining, type TrainingServiceOptions } from './train/training-service.js';
export { PRESETS, PRESET_IDS, describePreset, type PresetId, type RunConfig, type RunOverrides, type TrainingPreset } from './train/presets.js';
export type { TrainingOutcome, TrainingProgress } from './train/progress.js';
export {
  CelebError,
  InputError,
  ERROR_CODES,
  INPUT_ERROR_CODES,
  isCelebError,
  isInputError,
  type ErrorCode,
  type InputErrorCode,
  type SystemErrorCode,
} from '../base/errors.js';
