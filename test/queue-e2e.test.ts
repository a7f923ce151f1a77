// Recognition across processes (issue 19): the real bot app as a queue front end and primary,
// two real `celeb worker` child processes, a real redis-server without persistence, and the
// real telegraf and discord.js clients against the fake platforms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { createRun, finishRun, markRunning } from '../src/store/index.js';
import { startHarness, tempWorkspace, TG_ADMIN, workspaceEnv, type Harness } from './helpers/bots.js';
import { answerOf, contentOf, lookalike } from './helpers/bots-discord.js';
import { answerTo, answersTo, newUserId, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { eventually } from './helpers/eventually.js';
import { CELEBRITY_17_MODEL, readFixture, solidJpeg } from './helpers/fixtures.js';
import { NO_REDIS, RedisServer } from './helpers/redis.js';
import { WorkerProcess } from './helpers/worker-process.js';

const FACES = ['ai-face', 'cgi-model-1', 'cgi-model-2', 'cgi-model-3', 'cgi-model-5', 'cgi-model-6'].map((n) => readFixture('faces', `${n}.jpg`));
const LONG = 240_000;

let redis: RedisServer;
let h: Harness;
let workers: WorkerProcess[] = [];
let workerEnv: Record<string, string>;

before(async () => {
  if (NO_REDIS) return;
  redis = await RedisServer.start();
  const tmp = tempWorkspace('celeb-queue-e2e-');
  h = await startHarness({ telegram: true, discord: true, tmp, env: { CELEB_QUEUE_URL: redis.url, BOT_RATE_LIMIT: '100' } });
  workerEnv = { ...workspaceEnv(tmp), CELEB_WORKERS: '1', CELEB_QUEUE_URL: redis.url };
});

after(async () => {
  await h?.stop();
  await Promise.all(workers.map((w) => w.stop()));
  await redis?.stop();
});

/** Every key under the prefix, with its TTL in ms (-1: none). */
async function keysWithTtl(url: string): Promise<Record<string, number>> {
  const client = new Redis(url);
  try {
    const keys = await client.keys('celeb:*');
    return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await client.pttl(k)] as const)));
  } finally {
    client.disconnect();
  }
}

test(
  'the queue path end to end: two worker processes answer Telegram and Discord photos, the bot loads no engine',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    assert.equal(h.app.engine, null, 'no engine in the bot process');
    assert.ok(h.app.frontEnd, 'a queue front end');
    workers = await Promise.all([WorkerProcess.start(workerEnv), WorkerProcess.start(workerEnv)]);
    const tg = h.telegram!;
    const updates = FACES.map((face) => sendPhoto(tg, newUserId(), face));
    const dc = h.discord!;
    const interaction = lookalike(dc, FACES[1]);
    // A photo without a face: the worker's refusal travels back and becomes the usual sentence.
    const faceless = sendPhoto(tg, newUserId(), await solidJpeg());
    const noFace = /^I couldn't find a face in that photo\./;
    await tg.waitForCall('sendMessage', (c) => answersTo(tg, faceless).includes(c) && noFace.test(textOf(c)), 120_000);
    for (const update of updates) {
      const answer = await tg.waitForCall('sendPhoto', (c) => answersTo(tg, update).includes(c), 120_000);
      assert.match(textOf(answer), /^You look most like <b>[^<]+<\/b>/);
    }
    assert.match(contentOf(await answerOf(dc, interaction, 60_000)), /^You look most like \*\*[^*]+\*\*/);
    const doneCount = () => workers.map((w) => w.events('photo.done').length).reduce((a, b) => a + b);
    await eventually(() => (doneCount() >= FACES.length + 2 ? true : undefined), 10_000, 'the workers to log every photo'); // logged just after the push
    const done = workers.map((w) => w.events('photo.done').length);
    assert.equal(
      done.reduce((a, b) => a + b),
      FACES.length + 2,
      `every photo answered once by some worker: ${done.join(' + ')}`,
    );
    assert.ok(
      done.every((n) => n > 0),
      `both workers took photos: ${done.join(' + ')}`,
    );
    // The bytes and the job are sent together: a worker must never find a job whose bytes are not there yet.
    assert.deepEqual(
      workers.flatMap((w) => w.events('photo.missing')),
      [],
      'every job found its bytes',
    );
    for (const update of updates) {
      const answers = answersTo(tg, update);
      assert.equal(answers.filter((c) => c.method === 'sendPhoto').length, 1, 'one answer per photo');
      // On a slow machine a photo may wait past the notice delay: then it was told so, and that is all.
      assert.ok(
        answers.filter((c) => c.method === 'sendMessage').every((c) => /^I'm busy with other photos right now|^Recognition is busy/.test(textOf(c))),
        answers.map(textOf).join(' | '),
      );
    }

    // Nothing of the photos is left in Redis, and every key this project made has a TTL.
    const depth = () => h.app.recognizer.depth();
    for (let i = 0; i < 100 && (await depth()) > 0; i++) await new Promise((r) => setTimeout(r, 50)); // jobs end just after their answer is pushed
    assert.equal(await depth(), 0);
    const keys = await keysWithTtl(redis.url);
    assert.deepEqual(
      Object.keys(keys).filter((k) => k.includes(':photo-bytes:')),
      [],
      'no photo bytes left',
    );
    const jobHashes = Object.keys(keys).filter((k) => /^celeb:photos:(telegram|discord)\./.test(k));
    assert.deepEqual(jobHashes, [], 'jobs removed on completion');
    const ours = Object.entries(keys).filter(([k]) => /^celeb:(inbox|model|photo-bytes)/.test(k));
    assert.ok(ours.length > 0, 'the model record exists');
    assert.deepEqual(
      ours.filter(([, ttl]) => ttl < 0),
      [],
      'every key of ours has a TTL',
    );
  },
);

test('a promoted model reaches the running workers without a restart', { skip: NO_REDIS, timeout: LONG }, async () => {
  assert.equal(workers.length, 2, 'the workers of the previous test still run');
  const db = h.app.db!;
  // A finished run whose model is a copy of the 17-celebrity model under another name: the same backbone, so workers can switch to it.
  const runDir = path.join(h.config.modelDir, 'runs', 'run-1');
  cpSync(CELEBRITY_17_MODEL, runDir, { recursive: true, dereference: true });
  const runId = createRun(db, { preset: 2, config: {}, backbone: 'faceres', backend: 'wasm', head: 'fc1', loss: 'nll', samplePairing: false, epochs: 1 });
  markRunning(db, runId);
  finishRun(db, runId, { seconds: 1, modelPath: runDir, bestEpoch: 1, bestValLoss: 0.1 });

  const tg = h.telegram!;
  const pinned = await answerTo(tg, sendText(tg, TG_ADMIN, `/model use ${runId}`), 'sendMessage', 60_000);
  assert.equal(textOf(pinned), `Run #${runId}'s model now answers photos. It is pinned: later training runs will not replace it until /model use default.`);
  for (const worker of workers) await worker.waitFor('model.switched', (l) => l.model === `run-${runId}`, 30_000);
  await eventually(() => (h.app.frontEnd!.models.current.name === `run-${runId}` ? true : undefined), 30_000, 'the front end to follow');

  const update = sendPhoto(tg, newUserId(), FACES[0]);
  await answerTo(tg, update, 'sendPhoto', 60_000);
  const line = await eventually(() => h.logs.find((l) => l.event === 'request' && l.kind === 'photo' && l.user === String(update.message.from!.id)), 10_000);
  assert.equal(line.model, `run-${runId}`, 'answered by the promoted model');
  assert.deepEqual(
    workers.map((w) => w.events('worker.ready').length),
    [1, 1],
    'no worker restarted',
  );
});
