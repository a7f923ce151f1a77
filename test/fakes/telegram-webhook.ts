// The webhook side of the fake Telegram Bot API: setWebhook / deleteWebhook / getWebhookInfo
// with the real API's checks, and delivery of updates by HTTPS POST, as Telegram does, through
// a stand-in for the operator's proxy: the public URL's path on a local base URL.
import { BotApiError, type TelegramParams, type UserUpdate } from './telegram-model.js';

export interface WebhookDelivery {
  updateId: number;
  /** The secret header sent, or null when none. */
  secret: string | null;
  /** HTTP status of the bot's answer; 0 when the connection failed. */
  status: number;
}

export class FakeWebhook {
  /** The registered URL and secret_token; null when no webhook is set (long polling allowed). */
  current: { url: string; secret: string | null } | null = null;
  /** Every POST made to the bot, in order. */
  readonly deliveries: WebhookDelivery[] = [];
  /** Where the proxy forwards to (`http://127.0.0.1:<port>`); the public URL's path is kept. */
  private target: string | null = null;

  set(p: TelegramParams): true {
    const url = typeof p.url === 'string' ? p.url : '';
    if (url === '') {
      this.current = null; // the real API: setWebhook with an empty url removes it
      return true;
    }
    if (!url.startsWith('https://')) throw new BotApiError(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    const secret = typeof p.secret_token === 'string' ? p.secret_token : null;
    if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw new BotApiError(400, 'Bad Request: secret token contains unallowed characters');
    this.current = { url, secret };
    return true;
  }

  delete(): true {
    this.current = null;
    return true;
  }

  info(pending: number): Record<string, unknown> {
    return { url: this.current?.url ?? '', has_custom_certificate: false, pending_update_count: pending };
  }

  routeTo(localBase: string): void {
    this.target = localBase.replace(/\/+$/, '');
  }

  /** POSTs an update like Telegram: JSON body, the secret header (when given); returns the HTTP status. */
  async post(update: UserUpdate, secret: string | null): Promise<number> {
    if (!this.current) throw new Error('fake telegram: no webhook is set');
    if (!this.target) throw new Error('fake telegram: call routeWebhookTo() with the bot’s local address first');
    const url = `${this.target}${new URL(this.current.url).pathname}`;
    let status = 0;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
        body: JSON.stringify(update),
      });
      await res.arrayBuffer();
      status = res.status;
    } catch {
      status = 0;
    }
    this.deliveries.push({ updateId: update.update_id, secret, status });
    return status;
  }
}
