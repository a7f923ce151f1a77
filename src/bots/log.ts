/**
 * Structured logs: one JSON object per line and per event. Field values are scalars only, so
 * image bytes cannot be logged by accident (the type refuses a Buffer), and every string is
 * scrubbed of the configured secrets (bot tokens) and of anything shaped like one.
 */
import type { EngineLog } from '../engine/events.js';
import { TOKEN_SHAPES } from './platforms.js';

/** What a log field may hold: no objects, no buffers. */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  /** `error` adds the error's name, message and (scrubbed) stack. */
  error(event: string, error: unknown, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Strings that must never appear in a line (tokens); replaced by `[redacted]`. */
  secrets?: readonly string[];
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void;
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  now?: () => Date;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Besides the configured secrets, anything shaped like a registered platform's token (src/bots/platforms.ts) is redacted. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  for (const shape of TOKEN_SHAPES) out = out.replace(shape, (m) => (m.startsWith('/bot') ? '/bot[redacted]/' : '[redacted]'));
  return out;
}

function errorFields(error: unknown): Record<string, LogValue> {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.message,
    errorName: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { errorCode: code } : {}),
    stack: error.stack
      ?.split('\n')
      .slice(1, 6)
      .map((l) => l.trim())
      .join(' | '),
  };
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const min = LEVELS[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, event: string, fields: LogFields): void => {
    if (LEVELS[level] < min) return;
    const record: Record<string, LogValue> = { time: now().toISOString(), level, event, ...base, ...fields };
    for (const [key, value] of Object.entries(record)) {
      if (value === undefined) delete record[key];
      else if (typeof value === 'string') record[key] = scrub(value, secrets);
    }
    write(JSON.stringify(record));
  };
  return {
    debug: (event, fields = {}) => emit('debug', event, fields),
    info: (event, fields = {}) => emit('info', event, fields),
    warn: (event, fields = {}) => emit('warn', event, fields),
    error: (event, error, fields = {}) => emit('error', event, { ...fields, ...errorFields(error) }),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (unit tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ write: () => undefined });

/** The engine's events (runtime fallbacks, workers not replaced) as warnings of a bot's logger. */
export function engineLogOf(log: Logger): EngineLog {
  return ({ event, ...fields }) => log.warn(event, fields);
}
