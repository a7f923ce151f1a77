/**
 * When a finished run becomes the model that answers photos: gathers the facts about the
 * answering model (the active run's, else the shipped default) and lets the promotion rule
 * (promotion-rule.ts) decide inside the store's transaction.
 */
import { shippedModelDir } from '../package-paths.js';
import path from 'node:path';
import { getActiveModel, offerModel, type ActiveModel, type Database, type OfferOutcome } from '../../store/index.js';
import type { ModelManifest } from '../model/manifest.js';
import { readManifest } from '../model/model-dir.js';
import { answeringModel, decidePromotion, type CandidateModel } from './promotion-rule.js';

const ATTEMPTS = 3;

export async function promoteIfBetter(db: Database, run: CandidateModel & { modelPath: string }, defaultModelDir: string): Promise<OfferOutcome> {
  const offer = { runId: run.runId, modelPath: run.modelPath, testAccuracy: run.testTop1 };
  // The manifest is read before the transaction (async I/O); if the active model changed in
  // between (a `model use` from another process), read again rather than judge a stale model.
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const seen = getActiveModel(db);
    const manifest: ModelManifest | null = await readManifest(seen?.modelPath ?? defaultModelDir).catch(() => null);
    let stale = false;
    const outcome = offerModel(db, offer, (active: ActiveModel | null) => {
      stale = (active?.modelPath ?? null) !== (seen?.modelPath ?? null);
      return stale ? { promoted: false, reason: 'the active model changed meanwhile' } : decidePromotion(run, answeringModel(active, manifest));
    });
    if (!stale) return outcome;
  }
  return { promoted: false, reason: 'the active model kept changing while this run was compared with it' };
}

/** The model directory that answers photos: the active run's, else `<modelDir>/default`. */
export function activeModelDir(db: Database | null, modelDir: string): string {
  const active = db ? getActiveModel(db) : null;
  return active?.modelPath ? path.resolve(active.modelPath) : shippedModelDir(modelDir);
}
