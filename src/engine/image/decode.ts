/**
 * Untrusted bytes in, upright RGB pixels out — or an InputError with a stable code.
 * Checks run cheapest first (length, magic bytes, header) so a decompression bomb
 * or a huge file is refused before any pixel is decoded.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { megabytes } from '../../base/format.js';
import { InputError } from '../../base/errors.js';

export type AcceptedFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export interface ImageLimits {
  /** Largest accepted input in bytes. Default 20 MB. */
  maxBytes: number;
  /** Largest accepted width x height (after EXIF rotation). Default 40 megapixels. */
  maxPixels: number;
  /** Longest side of the decoded pixels; larger photos are downscaled (detection runs at 256 px anyway). Default 1024. */
  maxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000, maxSide: 1024 };

/** Upright, alpha-free RGB pixels of a photo, possibly downscaled. */
export interface DecodedImage {
  /** Interleaved RGB, `width * height * 3` bytes. */
  data: Uint8Array;
  width: number;
  height: number;
  format: AcceptedFormat;
  /** Size after EXIF rotation, before downscaling: boxes are reported in these coordinates. */
  originalWidth: number;
  originalHeight: number;
}

/** Formats identified by their first bytes, so a renamed text file is "not an image", not "corrupt". */
export function sniffFormat(bytes: Uint8Array): AcceptedFormat | 'other-image' | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  const ascii = (from: number, text: string) => [...text].every((c, i) => bytes[from + i] === c.charCodeAt(0));
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  // Images we recognise but do not take: TIFF, HEIF/AVIF, BMP, SVG, PSD.
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'other-image';
  if (ascii(4, 'ftyp')) return 'other-image';
  if (ascii(0, 'BM') || ascii(0, '8BPS')) return 'other-image';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).trimStart();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'other-image';
  return null;
}

const megapixels = (n: number) => `${(n / 1_000_000).toFixed(1)} megapixels`;

/** Checks on the bytes alone: empty, too large, not an image, a format we do not take. */
function checkBytes(bytes: Uint8Array, limits: ImageLimits): AcceptedFormat {
  if (bytes.length === 0) throw new InputError('not_an_image', 'The file is empty.');
  if (bytes.length > limits.maxBytes) {
    throw new InputError('too_large', `The file is ${megabytes(bytes.length)}; the limit is ${megabytes(limits.maxBytes)}.`);
  }
  const format = sniffFormat(bytes);
  if (format === null) throw new InputError('not_an_image', 'The file is not an image.');
  if (format === 'other-image') throw new InputError('unsupported_format', 'Only JPEG, PNG, WebP and GIF images are accepted.');
  return format;
}

/** Header-only checks: format and size, without decoding pixels. */
export async function inspectImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS) {
  const format = checkBytes(bytes, limits);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new InputError('corrupt', `The ${format.toUpperCase()} file is damaged and cannot be read.`);
  }
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new InputError('corrupt', `The ${format.toUpperCase()} file has no readable size.`);
  if (width * height > limits.maxPixels) {
    throw new InputError('too_large', `The image is ${width}x${height} (${megapixels(width * height)}); the limit is ${megapixels(limits.maxPixels)}.`);
  }
  return { format, width, height };
}

/**
 * Decode to upright RGB, flattening transparency onto white and downscaling to `maxSide`.
 * The header is read first only when needed: libvips refuses too many pixels before decoding
 * any (`limitInputPixels`), and on a failure `inspectImage` names the cause. Saves a round trip
 * to libvips's threads per photo.
 */
export async function decodeImage(bytes: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const format = checkBytes(bytes, limits);
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', pages: 1 })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    await inspectImage(bytes, limits); // a damaged header or too many pixels: its own message
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError('corrupt', `The ${format.toUpperCase()} file is damaged and cannot be decoded (${detail}).`);
  }
  const { data, info } = decoded;
  if (info.channels !== 3)
    throw new InputError('corrupt', `The ${format.toUpperCase()} file is damaged and cannot be decoded (unexpected ${info.channels} channels).`);
  // Below maxSide on both sides, nothing was downscaled: the decoded size is the original.
  const original = Math.max(info.width, info.height) < limits.maxSide ? { width: info.width, height: info.height } : await inspectImage(bytes, limits);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    format,
    originalWidth: original.width,
    originalHeight: original.height,
  };
}
