/**
 * The feature cache for concatenated backbones: a `faceres+faceapi` embedding is its parts'
 * embeddings joined (backbones/concat.ts), and the parts run on the same detected, aligned face,
 * so an image whose parts are all cached needs no run at all. Building a concatenation's gallery
 * after its parts' costs nothing, and each part weight (`faceapi@0.5`) can be measured for free.
 */
import { getFeatures, type Database, type FeatureRecord } from '../../store/index.js';
import { concatenateEmbeddings } from '../backbones/concat.js';
import { resolveBackbone } from '../backbones/registry.js';
import type { BackboneSpec } from '../backbones/spec.js';

function partsOf(backbone: string): NonNullable<BackboneSpec['parts']> | null {
  if (!backbone.includes('+') || backbone.startsWith('custom:')) return null;
  try {
    return resolveBackbone(backbone).parts ?? null;
  } catch {
    return null; // not a backbone the registry knows (a test's stand-in): its own entries only
  }
}

/** Cached entries of `backbone` for `hashes`; a concatenation's missing ones composed from its parts' entries where all are cached. */
export function cachedFeatures(db: Database, backbone: string, view: string, hashes: readonly string[]): Map<string, FeatureRecord> {
  const found = getFeatures(db, backbone, view, hashes);
  const parts = partsOf(backbone);
  const missing = hashes.filter((h) => !found.has(h));
  if (!parts || missing.length === 0) return found;
  const perPart = parts.map((p) => getFeatures(db, p.spec.id, view, missing));
  const weights = parts.map((p) => p.weight);
  for (const hash of missing) {
    const entries = perPart.map((m) => m.get(hash));
    if (entries.some((e) => e === undefined)) continue;
    const records = entries as FeatureRecord[];
    // The parts saw the same faces; if one of them has none (no face, no second face), neither has the whole.
    const vectors = records.map((r) => r.vector);
    const complete = vectors.every((v): v is Float32Array => v !== null);
    found.set(hash, {
      contentHash: hash,
      backbone,
      view,
      vector: complete ? concatenateEmbeddings(vectors, weights) : null,
      box: complete ? records[0].box : null,
    });
  }
  return found;
}
