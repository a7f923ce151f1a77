/**
 * When a finished run becomes the model that answers photos. The store's rule (better test
 * accuracy, never while pinned) applies against the active model; before any run was ever
 * promoted, the shipped default model is the one to beat, if it knows the same people.
 */
import path from 'node:path';
import { percent } from '../../format.js';
import { getActiveModel, offerModel, type Database } from '../../store/index.js';
import type { ModelManifest } from '../model/manifest.js';
import { readManifest } from '../model/model-dir.js';

const samePeople = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export async function promoteIfBetter(
  db: Database,
  run: { runId: number; modelPath: string; testAccuracy: number; labels: readonly string[] },
  defaultModelDir: string,
): Promise<{ promoted: boolean; reason: string }> {
  if (!getActiveModel(db)) {
    const fallback: ModelManifest | null = await readManifest(defaultModelDir).catch(() => null);
    const baseline = fallback?.metrics?.testTop1;
    if (fallback && baseline !== undefined && samePeople(fallback.labels, [...run.labels].sort()) && run.testAccuracy <= baseline) {
      return { promoted: false, reason: `the shipped default model is at least as accurate (${percent(baseline)} vs ${percent(run.testAccuracy)})` };
    }
  }
  return offerModel(db, run);
}

/** The model directory that answers photos: the active run's, else `<modelDir>/default`. */
export function activeModelDir(db: Database | null, modelDir: string): string {
  const active = db ? getActiveModel(db) : null;
  return active?.modelPath ? path.resolve(active.modelPath) : path.join(modelDir, 'default');
}
