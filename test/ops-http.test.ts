// The HTTP endpoint (CELEB_HTTP_PORT) of the real app: /healthz while it runs, and /metrics
// scraped after real answers, failures and refusals through the fake Telegram server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { OpsServer } from '../src/bots/ops/http-server.js';
import { Metrics, PHOTO_STAGES } from '../src/bots/ops/metrics.js';
import { silentLogger } from '../src/bots/log.js';
import { startHarness, type Harness } from './helpers/bots.js';
import { anyAnswerTo, answerTo, newUserId, sendDocument, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { celeb } from './helpers/cli.js';
import { readFixture, textFile } from './helpers/fixtures.js';
import { sample } from './helpers/metrics.js';

let h: Harness;
let base: string;

before(async () => {
  h = await startHarness({ telegram: true, discord: true, env: { CELEB_HTTP_PORT: '0' } });
  base = `http://127.0.0.1:${h.app.ops.server!.port}`;
});
after(async () => {
  await h?.stop();
});

test('/healthz is 200 with the engine and both platforms connected, and celeb health says so', async () => {
  const res = await fetch(`${base}/healthz`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
  assert.equal(body.status, 'ok');
  assert.deepEqual(Object.keys(body.checks).sort(), ['discord', 'engine', 'telegram']);
  assert.match(body.checks.engine.detail, /^2 of 2 workers, model default$/);
  assert.equal(body.checks.telegram.detail, 'long polling');
  assert.equal(body.checks.discord.detail, '1 shard ready');

  const probe = await celeb(['health'], { CELEB_HTTP_PORT: String(h.app.ops.server!.port) });
  assert.equal(probe.code, 0, probe.stderr);
  assert.match(probe.stdout, /^ok: engine 2 of 2 workers, model default; /);
});

test('/metrics counts answered photos, latency per stage, errors by code, refusals, queue depth and training state', async () => {
  const fake = h.telegram!;
  const before = await (await fetch(`${base}/metrics`)).text();
  assert.equal(sample(before, 'celeb_photos_answered_total{platform="telegram"}'), undefined, 'nothing answered yet');

  for (const name of ['ai-face.jpg', 'cgi-model-1.jpg']) {
    const reply = await answerTo(fake, sendPhoto(fake, newUserId(), readFixture('faces', name)), 'sendPhoto', 30_000);
    assert.match(textOf(reply), /^You look most like /);
  }
  const notImage = await anyAnswerTo(fake, sendDocument(fake, newUserId(), textFile(), 'photo.jpg', 'image/jpeg'));
  assert.match(textOf(notImage), /doesn't look like an image/);
  assert.match(textOf(await answerTo(fake, sendText(fake, newUserId(), '/train 5'))), /only the bot's admins/);

  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.equal(sample(text, 'celeb_photos_answered_total{platform="telegram"}'), 2);
  assert.equal(sample(text, 'celeb_requests_total{platform="telegram",kind="photo",outcome="answered"}'), 2);
  assert.equal(sample(text, 'celeb_requests_total{platform="telegram",kind="photo",outcome="failed"}'), 1);
  assert.equal(sample(text, 'celeb_errors_total{code="not_an_image"}'), 1);
  assert.equal(sample(text, 'celeb_refusals_total{reason="not_admin"}'), 1);
  assert.equal(sample(text, 'celeb_photo_seconds_count'), 2);
  assert.ok(sample(text, 'celeb_photo_seconds_sum')! > 0);
  for (const stage of PHOTO_STAGES) assert.equal(sample(text, `celeb_photo_stage_seconds_count{stage="${stage}"}`), 2, stage);
  // The engine's own stages took time; their sum is less than the whole.
  const engineSeconds = ['decode', 'detect', 'embed'].map((s) => sample(text, `celeb_photo_stage_seconds_sum{stage="${s}"}`)!);
  assert.ok(
    engineSeconds.every((s) => s > 0),
    engineSeconds.join(', '),
  );
  assert.ok(engineSeconds.reduce((a, b) => a + b) < sample(text, 'celeb_photo_seconds_sum')!, 'stages within the whole');
  assert.equal(sample(text, 'celeb_queue_depth'), 0);
  assert.equal(sample(text, 'celeb_training_running'), 0);
  assert.equal(sample(text, 'celeb_training_phase{phase="train"}'), 0);
  assert.ok(sample(text, 'process_resident_memory_bytes')! > 50e6, 'process metrics too');
});

test('the queue depth comes from whatever source is plugged in (the distributed queue sets its own)', async () => {
  h.app.ops.metrics.setQueueDepth(() => Promise.resolve(7));
  assert.equal(sample(await (await fetch(`${base}/metrics`)).text(), 'celeb_queue_depth'), 7);
  h.app.ops.metrics.setQueueDepth(() => h.app.recognizer.depth());
});

test('unknown paths are 404 and other methods 405, as JSON', async () => {
  assert.equal((await fetch(`${base}/nope`)).status, 404);
  assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405);
});

test('a failing or hanging check makes /healthz 503 with a JSON reason naming it; celeb health exits 1 with it', async () => {
  const server = await OpsServer.start({ host: '127.0.0.1', port: 0, metrics: new Metrics({ processMetrics: false }), log: silentLogger });
  const port = String(server.port);
  try {
    const url = `http://127.0.0.1:${port}/healthz`;
    const starting = await fetch(url);
    assert.equal(starting.status, 503);
    assert.deepEqual(await starting.json(), { status: 'unavailable', reason: 'starting', checks: {} });

    server.checks.set('engine', () => ({ ok: true, detail: '2 of 2 workers' }));
    server.checks.set('telegram', () => ({ ok: false, detail: 'polling failed: 401: Unauthorized' }));
    server.checks.set('queue', () => new Promise(() => undefined)); // never answers
    const res = await fetch(url);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; reason: string; checks: Record<string, { ok: boolean }> };
    assert.equal(body.status, 'unavailable');
    assert.equal(body.reason, 'telegram: polling failed: 401: Unauthorized; queue: no answer within 2000 ms');
    assert.equal(body.checks.engine.ok, true);

    const probe = await celeb(['health', '--timeout', '10'], { CELEB_HTTP_PORT: port });
    assert.equal(probe.code, 1);
    assert.equal(probe.stdout.trim(), 'unavailable (503): telegram: polling failed: 401: Unauthorized; queue: no answer within 2000 ms');

    server.markStopping();
    assert.equal(((await (await fetch(url)).json()) as { reason: string }).reason, 'stopping');
  } finally {
    await server.close();
  }
  const gone = await celeb(['health'], { CELEB_HTTP_PORT: port });
  assert.equal(gone.code, 1);
  assert.match(gone.stdout, /^unreachable: http:\/\/127\.0\.0\.1:\d+\/healthz did not answer: .*ECONNREFUSED/);
  const unset = await celeb(['health'], {});
  assert.equal(unset.code, 78);
});
