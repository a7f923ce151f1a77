/**
 * The original design's `face_crop` transform: find every face (a FaceDetector: Human, or our
 * ONNX port of it), straighten it by its roll, and hand back aligned crops, largest face first.
 * When the photo as it is shows no face, the detection passes (detect/passes.ts) try harder
 * before saying no_face.
 * Pre-cropped dataset images (64x64 crops are common) skip detection and are taken whole.
 */
import type { FaceDetector } from './detector.js';
import type { DecodedImage } from '../image/decode.js';
import { faceFromBytes, type FacePixels } from '../image/face-pixels.js';
import { DETECTION_PASSES, fromDecoded, type DetectionPass, type DetectionPassId, type PassImage } from './passes.js';
import type { Box } from '../../base/box.js';
import { cropPass, suppressDuplicates, tileGrid, worthTiling } from './tiles.js';

// Re-exported for the modules that take boxes together with face crops.
export type { Box };

export interface FaceCrop {
  box: Box;
  /** Detector confidence, 0..1 (1 for a whole-image crop). */
  score: number;
  /** The aligned face. */
  pixels: FacePixels;
}

export interface DetectedFaces {
  /** Largest first; empty when no pass found a face. */
  crops: FaceCrop[];
  /** The pass that found them; null when none did. */
  pass: DetectionPassId | null;
  /** Whether the photo was also searched tile by tile (a group photo). */
  tiled: boolean;
}

const area = (box: Box) => box[2] * box[3];

/** Pure: a box in a pass image's pixels -> the original photo's pixels, clipped to the photo. */
export function toPhotoBox(box: readonly number[], pass: PassImage, image: DecodedImage): Box {
  const sx = image.originalWidth / image.width;
  const sy = image.originalHeight / image.height;
  const x0 = Math.max(0, ((box[0] - pass.offsetX) / pass.scale) * sx);
  const y0 = Math.max(0, ((box[1] - pass.offsetY) / pass.scale) * sy);
  const x1 = Math.min(image.originalWidth, ((box[0] + box[2] - pass.offsetX) / pass.scale) * sx);
  const y1 = Math.min(image.originalHeight, ((box[1] + box[3] - pass.offsetY) / pass.scale) * sy);
  return [Math.round(x0), Math.round(y0), Math.max(1, Math.round(x1 - x0)), Math.max(1, Math.round(y1 - y0))];
}

async function detectInPass(detector: FaceDetector, pass: DetectionPass, pixels: PassImage, image: DecodedImage): Promise<FaceCrop[]> {
  const faces = await detector.detect(pixels, pass.minConfidence);
  const crops = faces.map((f) => ({ box: toPhotoBox(f.box, pixels, image), score: f.score, pixels: f.pixels }));
  return crops.sort((a, b) => area(b.box) - area(a.box));
}

/** Adds the faces found tile by tile to `found`, dropping duplicates. */
async function addTiledFaces(detector: FaceDetector, pass: DetectionPass, pixels: PassImage, image: DecodedImage, found: FaceCrop[]): Promise<FaceCrop[]> {
  const all = [...found];
  for (const rect of tileGrid(pixels.width, pixels.height)) all.push(...(await detectInPass(detector, pass, cropPass(pixels, rect), image)));
  const kept = new Set(suppressDuplicates(all));
  return all.filter((_, i) => kept.has(i)).sort((a, b) => area(b.box) - area(a.box));
}

export interface DetectOptions {
  passes?: readonly DetectionPass[];
  /** Search group photos tile by tile for the small faces the whole-photo pass misses. Default true. */
  tiles?: boolean;
}

/** Detect and align every face, trying the passes in order until one finds a face. */
export async function detectFaceCrops(detector: FaceDetector, image: DecodedImage, options: DetectOptions = {}): Promise<DetectedFaces> {
  const photo = fromDecoded(image);
  for (const pass of options.passes ?? DETECTION_PASSES) {
    const pixels = pass.prepare(photo);
    const crops = await detectInPass(detector, pass, pixels, image);
    if (crops.length === 0) continue;
    const tiled =
      options.tiles !== false &&
      pass.id === 'direct' &&
      worthTiling(
        image.width,
        image.height,
        crops.map((c) => c.box),
        image.originalWidth,
      );
    return { crops: tiled ? await addTiledFaces(detector, pass, pixels, image, crops) : crops, pass: pass.id, tiled };
  }
  return { crops: [], pass: null, tiled: false };
}

/** The whole image as one face crop, for inputs that are already face crops. */
export function wholeImageCrop(image: DecodedImage): FaceCrop {
  return { box: [0, 0, image.originalWidth, image.originalHeight], score: 1, pixels: faceFromBytes(image.data, image.width, image.height) };
}
