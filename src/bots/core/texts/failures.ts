/**
 * Every way a request can fail, as one friendly sentence, plus a stable code for the logs.
 * Never a stack trace, never silence: an error nobody foresaw still gets a sentence.
 */
import { isCelebError, isInputError, type InputErrorCode } from '../../../base/errors.js';
import { megabytes as mb } from '../../../base/format.js';
import { PLATFORMS } from '../../platforms.js';
import type { RichText } from '../text.js';
import { DownloadError } from '../types.js';

export interface Failure {
  /** For logs: an InputError code, `platform_limit`, `download_failed`, `busy` or `unexpected`. */
  code: InputErrorCode | 'platform_limit' | 'download_failed' | 'busy' | 'unexpected';
  text: RichText;
  /** False for bugs and outages worth an error log line. */
  expected: boolean;
}

export interface FailureLimits {
  maxImageBytes: number;
  maxImagePixels: number;
}

const INPUT_SENTENCES: Record<InputErrorCode, (limits: FailureLimits) => string> = {
  not_an_image: () => "That doesn't look like an image. Send me a photo (JPEG, PNG, WebP or GIF).",
  unsupported_format: () => "I can't read that image format. Please send a JPEG, PNG, WebP or GIF.",
  too_large: (l) =>
    `That image is too large for me (up to ${mb(l.maxImageBytes)} and ${Math.round(l.maxImagePixels / 1e6)} megapixels). Please send a smaller one.`,
  corrupt: () => "That image seems to be damaged: I couldn't decode it. Try sending it again.",
  not_found: () => "I couldn't get that file. Please send it again.",
  unreadable: () => "I couldn't read that file. Please send it again.",
  no_face: () => "I couldn't find a face in that photo. Try one where a face is clearly visible and turned towards the camera.",
};

/** The platform refuses to hand the file to bots (Telegram: over 20 MB from the official Bot API). */
function platformLimit(error: DownloadError): Failure {
  const label = error.platform ? PLATFORMS[error.platform].label : 'This chat app';
  const size = error.sizeBytes ? `, and this one is ${mb(error.sizeBytes)}` : '';
  const limit = error.limitBytes ? ` up to ${mb(error.limitBytes)}` : ' this large';
  return {
    code: 'platform_limit',
    expected: true,
    text: [`${label} only lets bots download files${limit}${size}. Send it as a photo instead of a file (${label} makes it smaller), or send a smaller file.`],
  };
}

const UNEXPECTED: Failure = { code: 'unexpected', expected: false, text: ['Sorry, something went wrong on my side. Please try again later.'] };

/** By the error's stable code (src/base/errors.ts); what has no code of ours is a bug. */
export function describeFailure(error: unknown, limits: FailureLimits): Failure {
  if (isInputError(error)) return { code: error.code, text: [INPUT_SENTENCES[error.code](limits)], expected: true };
  if (!isCelebError(error)) return UNEXPECTED;
  switch (error.code) {
    case 'io':
      if (error instanceof DownloadError && error.reason === 'platform_limit') return platformLimit(error);
      return { code: 'download_failed', expected: false, text: ["I couldn't download that photo. Please try again."] };
    case 'busy': // the bot's queue (QueueFullError) or the engine's pool (PoolBusyError)
      return { code: 'busy', expected: true, text: ["I'm swamped with photos right now. Please send yours again in a minute."] };
    default:
      return UNEXPECTED;
  }
}

export const RATE_LIMITED = (limit: number, windowMs: number, retryMs: number): RichText => [
  `Easy there: I answer up to ${limit} photos or leaderboards per person every ${Math.round(windowMs / 1000)} seconds. Try again in ${Math.max(1, Math.ceil(retryMs / 1000))} s.`,
];

export const SHUTTING_DOWN: RichText = ["I'm restarting right now. Please send that again in a minute."];
