// The scale-out settings: off without CELEB_QUEUE_URL, validated (never echoing a password) with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadQueueConfig, redactUrl } from '../src/config.js';
import { celeb } from './helpers/cli.js';

test('no CELEB_QUEUE_URL: no queue, everything in one process', () => {
  assert.equal(loadQueueConfig({}), null);
  assert.equal(loadQueueConfig({ CELEB_QUEUE_URL: '  ' }), null);
});

test('a queue URL gives the defaults: primary role, prefix celeb, 200 waiting, notice 2 s, timeout 300 s, lock and stalled check 30 s', () => {
  assert.deepEqual(loadQueueConfig({ CELEB_QUEUE_URL: 'redis://localhost:6379' }), {
    url: 'redis://localhost:6379',
    role: 'primary',
    prefix: 'celeb',
    maxWaiting: 200,
    noticeMs: 2000,
    timeoutMs: 300_000,
    lockMs: 30_000,
    stalledIntervalMs: 30_000,
  });
  const tuned = loadQueueConfig({
    CELEB_QUEUE_URL: 'rediss://:pw@cache.internal:6380/2',
    CELEB_ROLE: 'frontend',
    CELEB_QUEUE_PREFIX: 'bot-2',
    CELEB_QUEUE_MAX_WAITING: '5',
    CELEB_QUEUE_NOTICE_SECONDS: '0.5',
    CELEB_QUEUE_LOCK_SECONDS: '2',
    CELEB_QUEUE_STALLED_SECONDS: '1',
  });
  assert.deepEqual(
    [tuned?.role, tuned?.prefix, tuned?.maxWaiting, tuned?.noticeMs, tuned?.lockMs, tuned?.stalledIntervalMs],
    ['frontend', 'bot-2', 5, 500, 2000, 1000],
  );
});

test('bad queue settings are refused by name, and a password in the URL is never echoed', () => {
  const refused = (env: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => loadQueueConfig(env),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message) && !e.message.includes('s3cret'),
      JSON.stringify(env),
    );
  refused(
    { CELEB_QUEUE_URL: 'http://user:s3cret@host:6379' },
    /^CELEB_QUEUE_URL must be a redis:\/\/ or rediss:\/\/ URL .*"http:\/\/user:\[redacted\]@host:6379"$/,
  );
  refused({ CELEB_QUEUE_URL: 'localhost:6379' }, /CELEB_QUEUE_URL must be a redis/);
  refused({ CELEB_QUEUE_URL: 'redis://host:6379/queues' }, /CELEB_QUEUE_URL: the path is a database number/);
  refused({ CELEB_QUEUE_URL: 'redis://host', CELEB_ROLE: 'leader' }, /^CELEB_ROLE must be one of primary, frontend, got "leader"$/);
  refused({ CELEB_QUEUE_URL: 'redis://host', CELEB_QUEUE_PREFIX: 'a:b' }, /CELEB_QUEUE_PREFIX must be letters/);
  refused({ CELEB_QUEUE_URL: 'redis://host', CELEB_QUEUE_MAX_WAITING: '0' }, /CELEB_QUEUE_MAX_WAITING must be a positive number/);
  refused({ CELEB_QUEUE_URL: 'redis://host', CELEB_QUEUE_NOTICE_SECONDS: '10', CELEB_QUEUE_TIMEOUT_SECONDS: '5' }, /NOTICE_SECONDS must be shorter/);
  assert.equal(redactUrl('redis://default:s3cret@h:6379/1'), 'redis://default:[redacted]@h:6379/1');
  assert.equal(redactUrl('redis://h:6379'), 'redis://h:6379');
});

test('celeb worker --help explains it; without CELEB_QUEUE_URL it says what to set and exits 78', async () => {
  const help = await celeb(['worker', '--help'], { CELEB_QUEUE_URL: '' });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: celeb worker \[--concurrency N\]\n/);
  assert.match(help.stdout, /CELEB_QUEUE_URL \(required/);
  const listed = await celeb(['--help']);
  assert.match(listed.stdout, /\n {2}worker {20}answer the bots' photos from the queue/);
  const missing = await celeb(['worker'], { CELEB_QUEUE_URL: '' });
  assert.equal(missing.code, 78);
  assert.equal(missing.stderr.trim(), "celeb: celeb worker takes photos from a queue: set CELEB_QUEUE_URL to the bots' Redis (redis://host:6379).");
});
