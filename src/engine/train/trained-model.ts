/** What each kind of head hands back to a training run: a head to evaluate, and the files and manifest fields that save it. */
import type { Head } from '../heads/head.js';
import type { ModelManifest } from '../model/manifest.js';
import type { ModelFiles } from '../model/model-dir.js';
import type { SimilarityScale } from '../model/similarity.js';
import type { EpochReport } from './trainer.js';

export interface TrainedModel {
  head: Head;
  manifestHead: ModelManifest['head'];
  files: ModelFiles;
  /** Softmax temperature fitted on the validation split. */
  temperature: number;
  /** Cosine heads: the "% similar" mapping, refitted on validation. */
  similarity?: SimilarityScale;
  bestEpoch: number;
  bestValLoss: number;
  stopped: boolean;
  /** Facts about the run worth keeping in its config (e.g. the whitening strength chosen). */
  notes?: Record<string, unknown>;
}

export interface HeadTrainingHooks {
  onEpoch: (report: EpochReport) => void;
  shouldStop: () => boolean;
}
