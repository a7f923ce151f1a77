/**
 * Detection passes, cheapest first. A short-range face detector fails on photos users really
 * send: a tight crop has no margin around the face, a dim or grey photo has little contrast,
 * a thumbnail has too few pixels. Each pass rewrites the pixels (pure functions on RGB
 * buffers, no I/O) and remembers how to map boxes back to the photo.
 */
import type { DecodedImage } from '../image/decode.js';

export type DetectionPassId = 'direct' | 'padded' | 'equalised' | 'grey-world' | 'upscaled' | 'low-threshold';

/** Raw RGB pixels a pass hands to the detector, and how its coordinates relate to the decoded photo's. */
export interface PassImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Decoded-photo x = (pass x - offsetX) / scale; likewise y. */
  offsetX: number;
  offsetY: number;
  scale: number;
}

export interface DetectionPass {
  id: DetectionPassId;
  prepare(image: PassImage): PassImage;
  /** Detector score threshold for this pass; undefined keeps the detector's own. */
  minConfidence?: number;
}

export const fromDecoded = (image: DecodedImage): PassImage => ({
  data: image.data,
  width: image.width,
  height: image.height,
  offsetX: 0,
  offsetY: 0,
  scale: 1,
});

/** A border of `fraction` of the longer side on every side, in mid grey. */
export function pad(image: PassImage, fraction = 0.25): PassImage {
  const border = Math.round(Math.max(image.width, image.height) * fraction);
  const width = image.width + 2 * border;
  const height = image.height + 2 * border;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + border) * width + border) * 3);
  }
  return { data, width, height, offsetX: image.offsetX + border, offsetY: image.offsetY + border, scale: image.scale };
}

/** A pixel's brightness as HSV value (its largest channel), so stretching it never clips a colour. */
const value = (d: Uint8Array, i: number) => Math.max(d[i], d[i + 1], d[i + 2]);

/**
 * Stretches brightness so the 1st..99th percentiles of the pixels' value span 0..255, the same
 * gain on every channel (colours keep their balance). Brings a dim or washed-out face back to
 * the contrast the detector was trained on.
 */
export function equalise(image: PassImage): PassImage {
  const histogram = new Uint32Array(256);
  const pixels = image.width * image.height;
  for (let i = 0; i < pixels * 3; i += 3) histogram[value(image.data, i)]++;
  const level = (q: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]) >= q * pixels) return v;
    return 255;
  };
  const lo = level(0.01);
  const hi = Math.max(level(0.99), lo + 1);
  const gain = 255 / (hi - lo);
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round((image.data[i] - lo) * gain)));
  return { ...image, data };
}

/** Grey-world white balance: scales each channel so all three have the same mean (a colour cast removed). */
export function greyWorld(image: PassImage): PassImage {
  const sums = [0, 0, 0];
  for (let i = 0; i < image.data.length; i += 3) for (let c = 0; c < 3; c++) sums[c] += image.data[i + c];
  const grey = (sums[0] + sums[1] + sums[2]) / 3;
  const gains = sums.map((s) => (s > 0 ? grey / s : 1));
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.round(image.data[i] * gains[i % 3]));
  return { ...image, data };
}

/** Bilinear resize by `factor` (a small photo gets the pixels the detector's anchors expect). */
export function upscale(image: PassImage, factor: number): PassImage {
  const width = Math.round(image.width * factor);
  const height = Math.round(image.height * factor);
  const data = new Uint8Array(width * height * 3);
  const src = image.data;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(image.height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(image.height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(image.width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(image.width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = src[(y0 * image.width + x0) * 3 + c] * (1 - wx) + src[(y0 * image.width + x1) * 3 + c] * wx;
        const bottom = src[(y1 * image.width + x0) * 3 + c] * (1 - wx) + src[(y1 * image.width + x1) * 3 + c] * wx;
        data[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { data, width, height, offsetX: image.offsetX * factor, offsetY: image.offsetY * factor, scale: image.scale * factor };
}

/** Short side below which a photo is upscaled before detection, and the side it is brought to. */
const SMALL_SIDE = 256;

const upscaleSmall = (image: PassImage): PassImage => {
  const side = Math.min(image.width, image.height);
  return side >= SMALL_SIDE ? image : upscale(image, Math.min(4, SMALL_SIDE / side));
};

/**
 * The passes in order of cost; detection stops at the first that finds a face. Padding comes
 * first and stays in every later pass: on tight crops it alone finds most faces. The lowest
 * threshold is bounded (0.3) and last, so a faceless photo still ends as no_face.
 */
export const DETECTION_PASSES: readonly DetectionPass[] = [
  { id: 'direct', prepare: (image) => image },
  { id: 'padded', prepare: (image) => pad(image) },
  { id: 'equalised', prepare: (image) => pad(equalise(image)) },
  { id: 'grey-world', prepare: (image) => pad(equalise(greyWorld(image))) },
  { id: 'upscaled', prepare: (image) => pad(upscaleSmall(equalise(image))) },
  { id: 'low-threshold', prepare: (image) => pad(upscaleSmall(equalise(image))), minConfidence: 0.3 },
];
