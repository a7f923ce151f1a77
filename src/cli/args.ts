/** Argument parsing shared by the commands (node:util parseArgs, strict). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CelebError, isCelebError } from '../base/errors.js';
import { synopsis, type CommandPath } from './help.js';

export class UsageError extends CelebError {
  override name = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('usage', message, options);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** A usage error that ends with the command's synopsis. */
export function usageError(command: CommandPath, message: string): UsageError {
  return new UsageError(`${message}\n\nUsage: ${synopsis(command)}`);
}

/**
 * node:util's messages, rewritten as one line that names the flag and the command's --help
 * ("Unknown option '--tpo'. To specify a positional argument starting with a '-', place it at
 * the end of the command after '--', as in '-- \"--tpo\"" is not for people).
 */
export function readableParseError(command: CommandPath, error: Error & { code?: string }): string {
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  const help = `see \`celeb ${command} --help\``;
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${flag}; ${help}`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message) ? `${flag} needs a value; ${help}` : `${flag} takes no value; ${help}`;
    default:
      return `${error.message}; ${help}`;
  }
}

export function parse<T extends Options>(
  argv: string[],
  options: T,
  command: CommandPath,
): ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(readableParseError(command, error as Error));
  }
}

export function intOption(value: string | undefined, name: string, fallback: number, min = 0, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number ${max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`}, got "${value}"`);
  return n;
}

export function numberOption(value: string | undefined, name: string, fallback: number, min = 0, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** Runs an engine parser on a flag's value; its usage error gets the flag's name in front. */
export function flagged<T>(flag: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isCelebError(error) && error.code === 'usage') throw new UsageError(`--${flag}: ${error.message}`);
    throw error;
  }
}
