/**
 * Telegram's webhook on the app's HTTP server: each POST must carry the secret given to
 * setWebhook in `X-Telegram-Bot-Api-Secret-Token`; without it, or with another, the request
 * gets 401 and is never parsed. Accepted updates go to telegraf's own webhook handler.
 * Behind the operator's https proxy, several instances can serve one token this way.
 */
import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Telegraf } from 'telegraf';
import type { TelegramWebhookConfig } from '../../config.js';
import type { Logger } from '../log.js';
import type { OpsServer } from '../ops/http-server.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** Constant-time comparison, so the secret cannot be guessed from response times. */
export function secretMatches(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: object, headers: http.OutgoingHttpHeaders = {}): void {
  req.resume(); // the body is not read, only drained
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface WebhookRoute {
  /** From now on updates get 503: Telegram delivers them again later, to another instance or to this one restarted. */
  stopAccepting(): void;
}

export function serveWebhook(bot: Telegraf, server: OpsServer, config: TelegramWebhookConfig, log: Logger): WebhookRoute {
  const callback = bot.webhookCallback(config.path, { secretToken: config.secret });
  let accepting = true;
  server.post(config.path, async (req, res) => {
    const given = req.headers[SECRET_HEADER];
    if (!secretMatches(given, config.secret)) {
      log.warn('telegram.webhook_refused', { reason: given === undefined ? 'no secret' : 'wrong secret', from: req.socket.remoteAddress });
      return refuse(req, res, 401, { error: 'unauthorized' });
    }
    if (!accepting) return refuse(req, res, 503, { error: 'restarting' }, { 'retry-after': '5' });
    await callback(req, res, () => refuse(req, res, 404, { error: 'not found' }));
  });
  return {
    stopAccepting() {
      accepting = false;
    },
  };
}
