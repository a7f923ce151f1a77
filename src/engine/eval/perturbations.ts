/**
 * The photo conditions the robustness evaluation measures: what real users send (an old
 * black-and-white photo, a dim room, a tiny or over-compressed picture, a tilted head, a
 * mirrored selfie). Each turns encoded photo bytes into new encoded bytes, in memory.
 * The `face-N` conditions shrink each photo so that its face, as found in the photo as it is,
 * is N px: how much detail a face keeps depends on the face's pixels, not the photo's.
 */
import sharp, { type Sharp } from 'sharp';
import { shrinkAndRestore, shrinkFace } from '../image/shrink.js';

export type PerturbationId =
  | 'clean'
  | 'grey'
  | 'dim'
  | 'small-64'
  | 'face-24'
  | 'face-32'
  | 'face-48'
  | 'jpeg-10'
  | 'blur-2'
  | 'rotate-20'
  | 'rotate-45'
  | 'tiny-on-canvas'
  | 'upscale-4000'
  | 'mirror';

/** What is known of the photo as it is, for conditions defined relative to its face. */
export interface PhotoFacts {
  /** The largest face's size (the box's shorter side, as `FaceQuality.sizePx`) in the clean photo; null when it shows no face. */
  faceSizePx: number | null;
}

export interface Perturbation {
  id: PerturbationId;
  /** One line for the table. */
  description: string;
  /** Set when `apply` needs `facts.faceSizePx`: the clean photo is answered first, and a photo without a face is not perturbed. */
  relativeToFace?: boolean;
  apply(photo: Uint8Array, facts?: PhotoFacts): Promise<Uint8Array>;
}

const jpeg = (image: Sharp, quality = 92): Promise<Uint8Array> => image.jpeg({ quality }).toBuffer();

/** The photo shrunk so its face is `targetPx` and back to its size: a face that small, with the photo's framing. */
function faceAt(photo: Uint8Array, targetPx: number, facts: PhotoFacts | undefined): Promise<Uint8Array> {
  const faceSizePx = facts?.faceSizePx;
  if (!faceSizePx) return Promise.reject(new Error(`face-${targetPx} needs the face size of the photo as it is`));
  return shrinkFace(photo, faceSizePx, targetPx);
}

/** The photo shrunk to a 48 px wide face region and placed on a 1024 px grey canvas: a face far from the camera. */
async function tinyOnCanvas(photo: Uint8Array): Promise<Uint8Array> {
  const small = await sharp(photo).rotate().resize(64, 64, { fit: 'inside' }).png().toBuffer();
  const canvas = sharp({ create: { width: 1024, height: 768, channels: 3, background: { r: 128, g: 128, b: 128 } } });
  return jpeg(canvas.composite([{ input: small, left: 480, top: 352 }]));
}

export const PERTURBATIONS: readonly Perturbation[] = [
  { id: 'clean', description: 'as is', apply: (p) => Promise.resolve(p) },
  { id: 'grey', description: 'grayscale (an old black-and-white photo)', apply: (p) => jpeg(sharp(p).rotate().greyscale()) },
  { id: 'dim', description: 'brightness x0.4 (a dim room)', apply: (p) => jpeg(sharp(p).rotate().linear(0.4, 0)) },
  // The face's size at 64 px depends on the framing: on the 17-celebrity test split its box is
  // 15 to 49 px (5th to 95th percentile, median 31), so the face-N rows below measure sizes one at a time.
  { id: 'small-64', description: 'downscaled to 64 px and back', apply: (p) => shrinkAndRestore(p, 64) },
  { id: 'face-24', description: 'shrunk until the face is 24 px, and back', relativeToFace: true, apply: (p, f) => faceAt(p, 24, f) },
  { id: 'face-32', description: 'shrunk until the face is 32 px, and back', relativeToFace: true, apply: (p, f) => faceAt(p, 32, f) },
  { id: 'face-48', description: 'shrunk until the face is 48 px, and back', relativeToFace: true, apply: (p, f) => faceAt(p, 48, f) },
  { id: 'jpeg-10', description: 'JPEG quality 10', apply: (p) => jpeg(sharp(p).rotate(), 10) },
  { id: 'blur-2', description: 'gaussian blur, sigma 2', apply: (p) => jpeg(sharp(p).rotate().blur(2)) },
  { id: 'rotate-20', description: 'rotated 20 degrees', apply: (p) => jpeg(sharp(p).rotate().rotate(20, { background: '#000' })) },
  { id: 'rotate-45', description: 'rotated 45 degrees', apply: (p) => jpeg(sharp(p).rotate().rotate(45, { background: '#000' })) },
  { id: 'tiny-on-canvas', description: 'small (64 px) on a 1024 px canvas', apply: tinyOnCanvas },
  { id: 'upscale-4000', description: 'upscaled to 4000 px', apply: (p) => jpeg(sharp(p).rotate().resize(4000, 4000, { fit: 'inside' }), 85) },
  // Lossless, so the row measures mirroring alone: a JPEG re-encode would add its own noise.
  { id: 'mirror', description: 'mirrored (a front camera)', apply: (p) => sharp(p).rotate().flop().png().toBuffer() },
];

export function perturbation(id: string): Perturbation | undefined {
  return PERTURBATIONS.find((p) => p.id === id);
}
