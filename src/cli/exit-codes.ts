/**
 * The CLI's exit status for every error code, in one table. Values follow BSD sysexits.h
 * where one fits, so scripts can tell "fix your command" from "fix your data" from "try again".
 */
import type { ErrorCode } from '../base/errors.js';

export const EXIT_OK = 0;
/** A refused photo in `which` (any InputError code). */
export const EXIT_INPUT = 2;
/** Not a CelebError: a bug, printed with its stack. */
export const EXIT_BUG = 70;

export const EXIT_STATUS: Record<ErrorCode, number> = {
  not_an_image: EXIT_INPUT,
  unsupported_format: EXIT_INPUT,
  too_large: EXIT_INPUT,
  corrupt: EXIT_INPUT,
  no_face: EXIT_INPUT,
  not_found: EXIT_INPUT,
  unreadable: EXIT_INPUT,
  usage: 64, // EX_USAGE
  preset: 64, // a training option out of range: the command line's fault
  dataset: 65, // EX_DATAERR
  model: 65,
  backbone: 65,
  store: 65,
  backend: 69, // EX_UNAVAILABLE: the runtime is not installed or does not start
  internal: EXIT_BUG, // EX_SOFTWARE
  io: 74, // EX_IOERR
  busy: 75, // EX_TEMPFAIL: try again
  training_busy: 75,
  config: 78, // EX_CONFIG
  cancelled: 130, // as after Ctrl-C
};
