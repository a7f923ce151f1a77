/**
 * One error model for the whole project: every error we raise on purpose is a `CelebError`
 * with a stable `code`. Codes never change meaning; the CLI maps them to exit statuses
 * (src/cli/exit-codes.ts) and the bots to sentences (src/bots/core/texts/failures.ts).
 * Errors cross worker threads as `{ code, message }` and are rebuilt with `errorFromCode`,
 * so `instanceof` and the code survive the trip.
 */

/** Why a photo was refused. The bots answer each with its own sentence. */
export type InputErrorCode = 'not_an_image' | 'unsupported_format' | 'too_large' | 'corrupt' | 'no_face' | 'not_found' | 'unreadable';

export const INPUT_ERROR_CODES: readonly InputErrorCode[] = [
  'not_an_image',
  'unsupported_format',
  'too_large',
  'corrupt',
  'no_face',
  'not_found',
  'unreadable',
];

/** Everything else the engine and its callers refuse, by what the user has to fix. */
export type SystemErrorCode =
  | 'usage' // how a command was called
  | 'config' // an environment variable
  | 'model' // a model directory (missing, malformed, wrong backbone)
  | 'backbone' // an unknown or unusable backbone id
  | 'backend' // a runtime that is not installed or does not start
  | 'dataset' // a dataset folder (missing, empty, wrong layout)
  | 'preset' // a training preset or its overrides
  | 'store' // the SQLite database (a run that does not exist, a wrong state)
  | 'training_busy' // a training run is already going
  | 'cancelled' // the caller asked to stop
  | 'busy' // too much work is queued
  | 'io' // a file could not be read or written
  | 'internal'; // a bug: never raised on purpose

export type ErrorCode = InputErrorCode | SystemErrorCode;

export const ERROR_CODES: readonly ErrorCode[] = [
  ...INPUT_ERROR_CODES,
  'usage',
  'config',
  'model',
  'backbone',
  'backend',
  'dataset',
  'preset',
  'store',
  'training_busy',
  'cancelled',
  'busy',
  'io',
  'internal',
];

export class CelebError extends Error {
  override name = 'CelebError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A photo that cannot be answered; the message is safe to show to its sender. */
export class InputError extends CelebError {
  override name = 'InputError';
  declare readonly code: InputErrorCode;
  constructor(code: InputErrorCode, message: string) {
    super(code, message);
  }
}

export function isCelebError(value: unknown): value is CelebError {
  return value instanceof CelebError;
}

export function isInputError(value: unknown): value is InputError {
  return value instanceof CelebError && (INPUT_ERROR_CODES as readonly string[]).includes(value.code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** How an error crosses a thread boundary: plain data. */
export interface SerializedError {
  name: string;
  message: string;
  code?: ErrorCode;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof CelebError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The inverse of `serializeError`: a CelebError (an InputError for photo codes) when it had a code. */
export function deserializeError(e: SerializedError): Error {
  if (e.code && isErrorCode(e.code)) return errorFromCode(e.code, e.message);
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}

export function errorFromCode(code: ErrorCode, message: string): CelebError {
  return (INPUT_ERROR_CODES as readonly string[]).includes(code) ? new InputError(code as InputErrorCode, message) : new CelebError(code, message);
}

/** The message of anything thrown, for one-line reports. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
