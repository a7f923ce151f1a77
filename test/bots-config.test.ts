// The bots' configuration: validated values with defaults, clear messages that never echo a
// token, and the .env file underneath the real environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadBotConfig, parseDotEnv, withDotEnv } from '../src/config.js';
import { tempDir } from './helpers/temp.js';

const TG = '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr';
const DC = 'MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB';

test('no tokens: no bots, and the limits have their defaults', () => {
  const config = loadBotConfig({}, 2);
  assert.equal(config.discord, null);
  assert.equal(config.telegram, null);
  assert.deepEqual(config.limits, { maxConcurrent: 4, queueNotice: 8, maxQueue: 100, ratePerUser: 5, rateWindowMs: 60_000, maxFaces: 8 });
  assert.equal(config.progressIntervalMs, 5000);
});

test('each platform is configured by its token, admins, API root and (Discord) guild', () => {
  const config = loadBotConfig(
    {
      TELEGRAM_TOKEN: ` ${TG} `,
      TELEGRAM_ADMIN_IDS: '42, 43',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/',
      DISCORD_TOKEN: DC,
      DISCORD_ADMIN_IDS: '123456789012345678',
      DISCORD_GUILD_ID: '987654321098765432',
      BOT_MAX_CONCURRENT: '3',
      BOT_QUEUE_NOTICE: '0',
      BOT_RATE_LIMIT: '10',
      BOT_RATE_WINDOW_SECONDS: '30',
      BOT_PROGRESS_SECONDS: '2.5',
      BOT_MAX_FACES: '12',
    },
    2,
  );
  assert.deepEqual(config.telegram, { token: TG, adminIds: ['42', '43'], apiRoot: 'http://127.0.0.1:8081' });
  assert.deepEqual(config.discord, { token: DC, adminIds: ['123456789012345678'], apiRoot: null, guildId: '987654321098765432', shards: 'auto' });
  assert.deepEqual(config.limits, { maxConcurrent: 3, queueNotice: 0, maxQueue: 100, ratePerUser: 10, rateWindowMs: 30_000, maxFaces: 12 });
  assert.equal(config.progressIntervalMs, 2500);
});

test('bad values stop the start with the variable named, and a token is never echoed', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ TELEGRAM_TOKEN: 'abc:def ghi' }, /^TELEGRAM_TOKEN does not look like a bot token/],
    [{ DISCORD_TOKEN: 'just-one-part-secret' }, /^DISCORD_TOKEN does not look like a bot token/],
    [{ TELEGRAM_ADMIN_IDS: '42,@bob' }, /^TELEGRAM_ADMIN_IDS must be a comma-separated list of numeric user ids, got "@bob"/],
    [{ DISCORD_API_ROOT: 'ftp://x' }, /^DISCORD_API_ROOT must be an http\(s\) URL/],
    [{ DISCORD_GUILD_ID: 'my-server' }, /^DISCORD_GUILD_ID must be a numeric server id/],
    [{ BOT_MAX_CONCURRENT: '0' }, /^BOT_MAX_CONCURRENT must be a positive number/],
    [{ BOT_QUEUE_NOTICE: '-1' }, /^BOT_QUEUE_NOTICE must be a whole number of 0 or more/],
    [{ BOT_MAX_FACES: '21' }, /^BOT_MAX_FACES must be at most 20, got "21"/],
    [{ BOT_MAX_FACES: '2.5' }, /^BOT_MAX_FACES must be a whole number/],
  ];
  for (const [env, message] of bad) {
    assert.throws(
      () => loadBotConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
  }
  assert.throws(
    () => loadBotConfig({ DISCORD_TOKEN: 'just-one-part-secret' }),
    (e: unknown) => e instanceof Error && !e.message.includes('secret'),
  );
});

test('.env: comments, export, quotes, escapes and inline comments; a line that is not KEY=value is an error', () => {
  const parsed = parseDotEnv(
    [
      '# comment',
      '',
      'A=1',
      'export B = two words ',
      'C="quoted # not a comment"',
      "D='single $literal \\n'",
      'E="line\\nbreak \\"q\\""',
      'F=value # inline comment',
      'G=',
      'H="x" # after quotes',
    ].join('\n'),
  );
  assert.deepEqual(parsed, { A: '1', B: 'two words', C: 'quoted # not a comment', D: 'single $literal \\n', E: 'line\nbreak "q"', F: 'value', G: '', H: 'x' });
  assert.throws(() => parseDotEnv('A=1\nnot an assignment'), /\.env line 2 is not KEY=value/);
});

test('.env sits under the real environment: a variable that is set always wins', () => {
  const dir = tempDir('celeb-env-');
  const file = path.join(dir, '.env');
  writeFileSync(file, `TELEGRAM_TOKEN=${TG}\nTELEGRAM_ADMIN_IDS=1\n`);
  const env = withDotEnv({ TELEGRAM_ADMIN_IDS: '2', OTHER: 'x' }, file);
  assert.deepEqual({ ...env }, { TELEGRAM_TOKEN: TG, TELEGRAM_ADMIN_IDS: '2', OTHER: 'x' });
  assert.deepEqual(withDotEnv({ A: '1' }, path.join(dir, 'missing.env')), { A: '1' }, 'no file: the environment as is');
});
