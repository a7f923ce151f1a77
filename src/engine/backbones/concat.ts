/**
 * Concatenated backbones (`faceres+faceapi`): each part's unit embedding times its weight, the
 * parts side by side, L2-normalised again. Shared by the backbone (fresh embeddings) and the
 * feature cache (a concatenation composed from its parts' cached embeddings), so both agree.
 */
import { l2normalise } from '../math.js';

/** One face's parts (each L2-normalised, in the spec's order) -> its concatenated embedding. */
export function concatenateEmbeddings(parts: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  parts.forEach((part, i) => {
    for (let j = 0; j < part.length; j++) out[offset + j] = part[j] * weights[i];
    offset += part.length;
  });
  return l2normalise(out);
}
