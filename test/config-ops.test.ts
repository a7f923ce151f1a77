// The operations variables: the HTTP endpoint and Telegram's webhook mode, validated at start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { botSecrets, ConfigError, loadBotConfig, loadConfig } from '../src/config.js';

const TOKEN = '123456:ABCdefGHIjklMNOpqrSTUvwxYZ0123456789';
const SECRET = 'Wm9-some_Secret-0123456789';

test('CELEB_HTTP_PORT turns the endpoint on, on loopback unless CELEB_HTTP_HOST says otherwise', () => {
  assert.equal(loadConfig({}).http, null);
  assert.deepEqual(loadConfig({ CELEB_HTTP_PORT: '8080' }).http, { port: 8080, host: '127.0.0.1' });
  assert.deepEqual(loadConfig({ CELEB_HTTP_PORT: '0', CELEB_HTTP_HOST: '0.0.0.0' }).http, { port: 0, host: '0.0.0.0' });
  for (const bad of ['http', '-1', '65536', '80.5', '8080x'])
    assert.throws(
      () => loadConfig({ CELEB_HTTP_PORT: bad }),
      (e: unknown) => e instanceof ConfigError && e.message === `CELEB_HTTP_PORT must be a port number from 0 to 65535, got "${bad}"`,
    );
});

const webhookEnv = (extra: Record<string, string> = {}): Record<string, string> => ({
  TELEGRAM_TOKEN: TOKEN,
  CELEB_HTTP_PORT: '8080',
  TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
  TELEGRAM_WEBHOOK_SECRET: SECRET,
  ...extra,
});

test('webhook mode: an https URL, its path served here, and the secret', () => {
  assert.equal(loadBotConfig({ TELEGRAM_TOKEN: TOKEN }).telegramWebhook, null, 'long polling by default');
  assert.deepEqual(loadBotConfig(webhookEnv()).telegramWebhook, {
    url: 'https://bot.example.org/telegram/hook',
    path: '/telegram/hook',
    secret: SECRET,
  });
  assert.equal(loadBotConfig(webhookEnv({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org:8443/tg' })).telegramWebhook?.path, '/tg');
  assert.equal(loadBotConfig(webhookEnv({ TELEGRAM_WEBHOOK_SECRET: 'x'.repeat(256) })).telegramWebhook?.secret.length, 256);
  assert.ok(botSecrets(webhookEnv()).includes(SECRET), 'the secret is scrubbed from logs like a token');
});

test('webhook mode refuses what Telegram or safety would refuse, naming the variable, never echoing the secret', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ TELEGRAM_WEBHOOK_URL: 'http://bot.example.org/hook' }, /^TELEGRAM_WEBHOOK_URL must be an https URL/],
    [{ TELEGRAM_WEBHOOK_URL: 'not a url' }, /^TELEGRAM_WEBHOOK_URL must be a public https URL/],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org:9000/hook' }, /only posts to ports 443, 80, 88 and 8443, got "9000"/],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/healthz' }, /the path \/healthz is the bot's own/],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/metrics' }, /the path \/metrics is the bot's own/],
    [{ TELEGRAM_WEBHOOK_SECRET: '' }, /^TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET/],
    [{ TELEGRAM_WEBHOOK_SECRET: 'has space' }, /^TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -/],
    [{ TELEGRAM_WEBHOOK_SECRET: 'dots.are.not.allowed' }, /^TELEGRAM_WEBHOOK_SECRET must be 1-256/],
    [{ TELEGRAM_WEBHOOK_SECRET: 'x'.repeat(257) }, /^TELEGRAM_WEBHOOK_SECRET must be 1-256/],
    [{ CELEB_HTTP_PORT: '' }, /^TELEGRAM_WEBHOOK_URL needs CELEB_HTTP_PORT/],
    [{ TELEGRAM_TOKEN: '' }, /^TELEGRAM_WEBHOOK_URL is set but TELEGRAM_TOKEN is not/],
    [{ TELEGRAM_WEBHOOK_URL: '' }, /^TELEGRAM_WEBHOOK_SECRET is set but TELEGRAM_WEBHOOK_URL is not/],
  ];
  for (const [change, message] of cases) {
    const env = webhookEnv(change);
    assert.throws(
      () => loadBotConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message) && !(env.TELEGRAM_WEBHOOK_SECRET && e.message.includes(env.TELEGRAM_WEBHOOK_SECRET)),
      JSON.stringify(change),
    );
  }
});
