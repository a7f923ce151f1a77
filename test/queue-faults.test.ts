// The faults of issue 19, proven against a real redis-server without persistence, real
// `celeb worker` child processes and the real bot app on the fake Telegram and Discord:
// no worker, a flooded queue, a worker killed mid-photo, Redis restarted while photos wait.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { startHarness, tempWorkspace, workspaceEnv, type Harness } from './helpers/bots.js';
import { contentOf, isCallback, isFollowUp, isOriginalEdit, lookalike } from './helpers/bots-discord.js';
import { answerTo, answersTo, anyAnswerTo, newUserId, sendPhoto, textOf } from './helpers/bots-telegram.js';
import { eventually } from './helpers/eventually.js';
import { readFixture } from './helpers/fixtures.js';
import { NO_REDIS, RedisServer } from './helpers/redis.js';
import { WorkerProcess } from './helpers/worker-process.js';
import type { UserUpdate } from './fakes/telegram-api.js';

const FACE = readFixture('faces', 'cgi-model-1.jpg');
const LONG = 240_000;
const BUSY = /^Recognition is busy right now: no worker is free\. Your photo is in line and the answer will follow\.$/;
const SWAMPED = "I'm swamped with photos right now. Please send yours again in a minute.";
const ANSWER = /^You look most like <b>[^<]+<\/b>/;
/** At most this many photos wait in Redis. */
const MAX_WAITING = 3;

let redis: RedisServer;
let h: Harness;
let workerEnv: Record<string, string>;
const running: WorkerProcess[] = [];

const queueEnv = (url: string) => ({
  CELEB_QUEUE_URL: url,
  CELEB_QUEUE_MAX_WAITING: String(MAX_WAITING),
  CELEB_QUEUE_NOTICE_SECONDS: '1',
  // A dead worker's photo is back in line within about 3 s, instead of BullMQ's default 30 s + 30 s.
  CELEB_QUEUE_LOCK_SECONDS: '2',
  CELEB_QUEUE_STALLED_SECONDS: '1',
});

before(async () => {
  if (NO_REDIS) return;
  redis = await RedisServer.start();
  const tmp = tempWorkspace('celeb-queue-faults-');
  h = await startHarness({ telegram: true, discord: true, tmp, discordCallbackDeadlineMs: 3000, env: { ...queueEnv(redis.url), BOT_RATE_LIMIT: '100' } });
  workerEnv = { ...workspaceEnv(tmp), ...queueEnv(redis.url), CELEB_WORKERS: '1' };
});

after(async () => {
  await h?.stop();
  await Promise.all(running.map((w) => w.stop()));
  await redis?.stop();
});

async function startWorker(args: string[] = []): Promise<WorkerProcess> {
  const worker = await WorkerProcess.start(workerEnv, args);
  running.push(worker);
  return worker;
}

async function stopWorkers(): Promise<void> {
  await Promise.all(running.splice(0).map((w) => w.stop()));
}

const photoAnswers = (update: UserUpdate) => answersTo(h.telegram!, update).filter((c) => c.method === 'sendPhoto');

/** Request log lines of a Telegram update's sender. */
const requestsOf = (update: UserUpdate) => h.logs.filter((l) => l.event === 'request' && l.user === String(update.message.from!.id));

/** The request log lines of an answered update, once written (just after the answer is sent). */
async function loggedRequests(update: UserUpdate) {
  await eventually(() => (requestsOf(update).length > 0 ? true : undefined), 10_000, 'the request log line');
  return requestsOf(update);
}

async function redisKeys(pattern: string): Promise<string[]> {
  const client = new Redis(redis.url);
  try {
    return await client.keys(pattern);
  } finally {
    client.disconnect();
  }
}

test(
  'no worker running: Discord is answered "thinking" within its 3 s, the user is told recognition is busy, the answer follows when a worker starts',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    const dc = h.discord!;
    const tg = h.telegram!;
    const interaction = lookalike(dc, FACE);
    const update = sendPhoto(tg, newUserId(), FACE);
    // The fake refuses a defer later than 3 s after the command, as Discord does.
    assert.equal((await dc.waitForCall(isCallback(interaction), 10_000)).status, 204);
    assert.match(contentOf(await dc.waitForCall((c) => isOriginalEdit(interaction)(c) && c.status === 200, 20_000)), /^Recognition is busy right now/);
    assert.match(textOf(await answerTo(tg, update, 'sendMessage', 20_000)), BUSY);
    assert.equal(photoAnswers(update).length, 0, 'no answer without a worker');

    await startWorker();
    const followUp = await dc.waitForCall((c) => isFollowUp(interaction)(c) && c.status === 200, 60_000);
    assert.match(contentOf(followUp), /^You look most like \*\*/);
    assert.match(textOf(await answerTo(tg, update, 'sendPhoto', 60_000)), ANSWER);
    assert.equal(photoAnswers(update).length, 1);
    await stopWorkers();
  },
);

test(
  'a queue flooded past its limit: the extra photos get a clear "busy" answer, and no more than the limit waits in Redis',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    const tg = h.telegram!;
    const updates = Array.from({ length: MAX_WAITING + 3 }, () => sendPhoto(tg, newUserId(), FACE));
    const first = await Promise.all(updates.map((u) => anyAnswerTo(tg, u, 20_000)));
    const refused = first.filter((c) => textOf(c) === SWAMPED);
    assert.equal(refused.length, 3, first.map(textOf).join(' | '));
    assert.equal(first.filter((c) => BUSY.test(textOf(c))).length, MAX_WAITING, 'the others wait, told so');
    assert.equal(await h.app.recognizer.depth(), MAX_WAITING);
    assert.equal((await redisKeys('celeb:photo-bytes:*')).length, MAX_WAITING, 'only the waiting photos are in Redis');

    await startWorker();
    const waiting = updates.filter((u) => !refused.some((r) => answersTo(tg, u).includes(r)));
    for (const update of waiting) assert.match(textOf(await answerTo(tg, update, 'sendPhoto', 60_000)), ANSWER);
    for (const update of updates) assert.equal(photoAnswers(update).length, refused.some((r) => answersTo(tg, update).includes(r)) ? 0 : 1);
    await stopWorkers();
  },
);

test(
  'a worker killed (SIGKILL) mid-photo: the photo is delivered again to another worker, and the user gets exactly one answer',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    const tg = h.telegram!;
    // This worker takes the photo, holds it and never answers: it is killed while it has it, whatever the machine's speed.
    const doomed = await startWorker(['--hold-photos']);
    const update = sendPhoto(tg, newUserId(), FACE);
    const held = await doomed.waitFor('photo.held', () => true, 30_000);
    const rescuer = await startWorker();
    await doomed.kill();
    const answer = await answerTo(tg, update, 'sendPhoto', 60_000);
    assert.match(textOf(answer), ANSWER);
    const done = await rescuer.waitFor('photo.done', (l) => l.request === held.request, 10_000);
    assert.equal(done.redelivered, true, 'BullMQ found the stalled photo and put it back in line');
    await eventually(async () => ((await h.app.recognizer.depth()) === 0 ? true : undefined), 10_000, 'the queue to empty');
    assert.equal(photoAnswers(update).length, 1, 'exactly one answer');
    assert.equal((await loggedRequests(update)).length, 1);
    assert.deepEqual(await redisKeys('celeb:photo-bytes:*'), []);
    running.splice(running.indexOf(doomed), 1);
    await stopWorkers();
  },
);

test(
  'Redis restarted while photos wait: the front end reconnects and sends them again; each is answered exactly once',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    const tg = h.telegram!;
    const updates = [sendPhoto(tg, newUserId(), FACE), sendPhoto(tg, newUserId(), FACE)];
    for (const update of updates) assert.match(textOf(await answerTo(tg, update, 'sendMessage', 20_000)), BUSY);
    assert.equal(await h.app.recognizer.depth(), 2);

    const resubmissions = () => h.logs.filter((l) => l.event === 'queue.resubmitted').length;
    const before = resubmissions();
    await redis.restart(); // SIGKILL, then a new empty server on the same port
    await eventually(() => (resubmissions() > before ? true : undefined), 30_000, 'the front end to send the photos again');
    assert.equal(h.logs.filter((l) => l.event === 'queue.resubmitted').at(-1)?.photos, 2);
    assert.equal(await h.app.recognizer.depth(), 2, 'both photos wait in the new Redis');

    const worker = await startWorker();
    for (const update of updates) assert.match(textOf(await answerTo(tg, update, 'sendPhoto', 60_000)), ANSWER);

    // The worker survives a restart too: once it has reconnected, it answers the next photo.
    await redis.restart();
    const later = sendPhoto(tg, newUserId(), FACE);
    assert.match(textOf(await answerTo(tg, later, 'sendPhoto', 60_000)), ANSWER);
    await eventually(async () => ((await h.app.recognizer.depth()) === 0 ? true : undefined), 10_000, 'the queue to empty');
    for (const update of [...updates, later]) {
      assert.equal(photoAnswers(update).length, 1, 'exactly one answer');
      assert.equal((await loggedRequests(update)).length, 1);
    }
    // Its log lines come just after each answer is pushed, so possibly after the answer itself.
    await eventually(() => (worker.events('photo.done').length >= 3 ? true : undefined), 10_000, 'the worker to log its three photos');
    await stopWorkers();
  },
);
