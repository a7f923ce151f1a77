/**
 * Every way a photo can be refused, with a stable code. Bots map codes to friendly
 * sentences and the CLI prints them as JSON, so codes never change meaning.
 */
export type InputErrorCode = 'not_an_image' | 'unsupported_format' | 'too_large' | 'corrupt' | 'no_face';

export const INPUT_ERROR_CODES: readonly InputErrorCode[] = ['not_an_image', 'unsupported_format', 'too_large', 'corrupt', 'no_face'];

export class InputError extends Error {
  override name = 'InputError';
  constructor(readonly code: InputErrorCode, message: string) {
    super(message);
  }
}

export function isInputError(value: unknown): value is InputError {
  return value instanceof InputError || (typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'InputError'
    && INPUT_ERROR_CODES.includes((value as { code?: unknown }).code as InputErrorCode));
}
