/**
 * Why a platform did not let the bot in, in words an operator can act on: the network ("cannot
 * reach api.telegram.org") is not the token ("Telegram refused the token"). Pure: it reads the
 * error the client library threw and the platform's registry entry.
 */
import type { Platform } from '../base/platforms.js';
import { PLATFORMS } from './platforms.js';

export type StartFailureKind = 'network' | 'token' | 'other';

/** System error codes of a connection that never got an answer. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** The error and its causes (undici wraps the system error in `cause`, node-fetch copies `code`). */
function* chain(error: unknown): Generator<Record<string, unknown>> {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

export function startFailureKind(error: unknown): { kind: StartFailureKind; detail: string } {
  for (const link of chain(error)) {
    const code = link.code ?? link.errno;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return { kind: 'network', detail: code };
  }
  const first = [...chain(error)][0] ?? {};
  const status = first.code ?? first.status;
  // telegraf: TelegramError code 401; discord.js: DiscordjsError 'TokenInvalid' or an HTTP 401.
  if (status === 401 || status === 'TokenInvalid') return { kind: 'token', detail: error instanceof Error ? error.message : String(error) };
  return { kind: 'other', detail: error instanceof Error ? error.message : String(error) };
}

/** The one line `npm start` prints when a platform refuses the start. */
export function startFailureMessage(platform: Platform, apiRoot: string | null, error: unknown): { kind: StartFailureKind; message: string } {
  const spec = PLATFORMS[platform];
  const { kind, detail } = startFailureKind(error);
  const prefix = `The ${platform} bot could not start`;
  const viaRoot = apiRoot ? ` and ${spec.env.apiRoot} (${apiRoot})` : '';
  switch (kind) {
    case 'network': {
      const host = apiRoot ? new URL(apiRoot).host : spec.apiHost;
      return { kind, message: `${prefix}: cannot reach ${host} (network: ${detail}). Check the machine's network or proxy${viaRoot}.` };
    }
    case 'token':
      return { kind, message: `${prefix}: ${spec.label} refused the token (${detail}). Check ${spec.env.token} (${spec.tokenHint})${viaRoot}.` };
    default:
      return { kind, message: `${prefix}: ${detail}. Check ${spec.env.token}${viaRoot}.` };
  }
}
