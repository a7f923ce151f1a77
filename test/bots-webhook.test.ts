// Telegram in webhook mode, end to end: the real app and telegraf, the fake Bot API posting
// updates to the app's HTTP server (as the operator's https proxy would forward them), good and
// bad secrets, and the switch back to long polling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, startHarness, type Harness } from './helpers/bots.js';
import { answersTo, answerTo, newUserId, sendPhoto, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';

const URL_PUBLIC = 'https://bot.example.test/tg/hook';
const SECRET = 'test_Secret-0123456789abcdefXYZ';
let h: Harness;

before(async () => {
  h = await startHarness({
    telegram: true,
    env: { CELEB_HTTP_PORT: '0', TELEGRAM_WEBHOOK_URL: URL_PUBLIC, TELEGRAM_WEBHOOK_SECRET: SECRET },
  });
  h.telegram!.routeWebhookTo(`http://127.0.0.1:${h.app.ops.server!.port}`);
});
after(async () => {
  await h?.stop();
});

test('start-up sets the webhook with its secret token and never polls', async () => {
  const fake = h.telegram!;
  const calls = fake.callsTo('setWebhook');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].params.url, URL_PUBLIC);
  assert.equal(calls[0].params.secret_token, SECRET);
  assert.deepEqual(fake.webhook.current, { url: URL_PUBLIC, secret: SECRET });
  assert.equal(fake.callsTo('getUpdates').length, 0);
  const health = (await (await fetch(`http://127.0.0.1:${h.app.ops.server!.port}/healthz`)).json()) as { checks: Record<string, { detail: string }> };
  assert.equal(health.checks.telegram.detail, `webhook ${URL_PUBLIC}`);
  assert.ok(!h.rawLogs.some((l) => l.includes(SECRET)), 'the secret is never logged');
});

test('an update posted with the right secret is answered', async () => {
  const fake = h.telegram!;
  const update = sendPhoto(fake, newUserId(), readFixture('faces', 'ai-face.jpg'));
  assert.match(textOf(await answerTo(fake, update, 'sendPhoto', 30_000)), /^You look most like <b>/);
  assert.deepEqual(
    fake.webhook.deliveries.filter((d) => d.updateId === update.update_id),
    [{ updateId: update.update_id, secret: SECRET, status: 200 }],
  );
});

test('a missing or wrong secret gets 401 and the update is never processed', async () => {
  const fake = h.telegram!;
  const user = newUserId();
  const bad = [null, 'wrong', `${SECRET}x`, SECRET.slice(0, -1)].map((secret) => ({
    secret,
    update: sendPhoto(fake, user, readFixture('faces', 'cgi-model-1.jpg'), { deliver: false }),
  }));
  for (const { secret, update } of bad) assert.equal(await fake.webhook.post(update, secret), 401, `secret ${secret}`);
  // A good update after them, from the same user: once it is answered, the bad ones would have been too.
  const good = sendPhoto(fake, user, readFixture('faces', 'cgi-model-2.jpg'));
  assert.match(textOf(await answerTo(fake, good, 'sendPhoto', 30_000)), /^You look most like/);
  for (const { update } of bad) {
    assert.deepEqual(answersTo(fake, update), [], 'no answer');
    const fileId = update.message.photo![0].file_id;
    assert.ok(!fake.callsTo('getFile').some((c) => c.params.file_id === fileId), 'its photo was never fetched');
  }
  const refused = h.logs.filter((l) => l.event === 'telegram.webhook_refused');
  assert.deepEqual(
    refused.map((l) => l.reason),
    ['no secret', 'wrong secret', 'wrong secret', 'wrong secret'],
  );
  // The core logs a request when it is done, just after its answer went out.
  await eventually(() => h.logs.find((l) => l.event === 'request' && l.user === String(user)), 5000, "the good photo's request line");
  assert.equal(h.logs.filter((l) => l.event === 'request' && l.user === String(user)).length, 1, 'only the good one reached the core');
  assert.ok(!h.rawLogs.some((l) => l.includes(SECRET)), 'the secret is never logged');
});

test('the webhook path takes POST only', async () => {
  const res = await fetch(`http://127.0.0.1:${h.app.ops.server!.port}/tg/hook`);
  assert.equal(res.status, 405);
});

test('stopping, it finishes the photo in flight and answers new posts with 503 so Telegram delivers them again later', async () => {
  const fake = h.telegram!;
  const base = `http://127.0.0.1:${h.app.ops.server!.port}`;
  const inFlight = sendPhoto(fake, newUserId(), readFixture('faces', 'cgi-model-5.jpg'));
  await fake.waitForCall('getFile', (c) => c.params.file_id === inFlight.message.photo![0].file_id, 10_000);
  const stopping = h.app.stop('switching to long polling');
  const late = sendPhoto(fake, newUserId(), readFixture('faces', 'cgi-model-6.jpg'), { deliver: false });
  assert.equal(await fake.webhook.post(late, SECRET), 503);
  assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'unavailable', reason: 'stopping', checks: {} });
  await stopping;
  assert.match(textOf(await answerTo(fake, inFlight, 'sendPhoto', 30_000)), /^You look most like/);
  assert.deepEqual(answersTo(fake, late), []);
});

test('started again in polling mode, it deletes the webhook and polls', { timeout: 120_000 }, async () => {
  const fake = h.telegram!;
  assert.deepEqual(fake.webhook.current, { url: URL_PUBLIC, secret: SECRET }, 'a stopping webhook instance leaves the webhook set (others may serve it)');
  const firstCall = fake.calls.length;
  const polling = await startHarness({ telegram: true, telegramFake: fake });
  try {
    await fake.waitForCall('getUpdates', (c) => c.at >= fake.calls[firstCall].at && !c.error, 10_000);
    const calls = fake.calls.slice(firstCall);
    const deleted = calls.findIndex((c) => c.method === 'deleteWebhook');
    assert.ok(deleted >= 0, 'deleteWebhook was called');
    assert.ok(
      calls.every((c, i) => c.method !== 'getUpdates' || i > deleted),
      'before the first getUpdates (which a set webhook makes fail with 409)',
    );
    assert.equal(fake.webhook.current, null);
    const update = sendPhoto(fake, newUserId(), readFixture('faces', 'ai-face.jpg'));
    assert.match(textOf(await answerTo(fake, update, 'sendPhoto', 30_000)), /^You look most like/);
    assert.ok(!fake.webhook.deliveries.some((d) => d.updateId === update.update_id), 'it came by polling');
  } finally {
    await polling.stop();
  }
});
