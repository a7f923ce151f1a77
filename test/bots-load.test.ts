// Load through the real Telegram path (fake Bot API, telegraf, core, engine pool): many photos
// at once all get their answer and memory does not grow. The latency from "photo received" to
// "reply sent" depends on the machine, so it is measured by `npm run bench` (bench/bots.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { megabytes as mb } from '../src/base/format.js';
import { startHarness, type Harness } from './helpers/bots.js';
import { answersTo, answerTo, newUserId, sendPhoto, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';
import type { TelegramCall, UserUpdate } from './fakes/telegram-api.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void; // the flag above makes `gc` exist in new contexts

let h: Harness;
const FACES = ['ai-face', 'cgi-model-1', 'cgi-model-2', 'cgi-model-3', 'cgi-model-5', 'cgi-model-8', 'cgi-model-10'].map((n) =>
  readFixture('faces', `${n}.jpg`),
);
const photoFor = (i: number) => FACES[i % FACES.length];

before(async () => {
  // 4 recognitions at once (2 workers x 2), "you are number k" past 8 waiting; no rate limit in the way here.
  h = await startHarness({ telegram: true, env: { BOT_RATE_LIMIT: '1000', BOT_MAX_CONCURRENT: '4', BOT_QUEUE_NOTICE: '8', BOT_MAX_QUEUE: '100' } });
});
after(async () => {
  await h?.stop();
});

interface Memory {
  rss: number;
  heap: number;
  external: number;
  tensors: number;
}
async function memory(): Promise<Memory> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  const m = process.memoryUsage();
  // The engine's counter, not tf.memory(): that would initialise a backend in a thread that does not use one.
  return { rss: m.rss, heap: m.heapUsed, external: m.external, tensors: tf.engine().state.numTensors };
}

/** 10 users send 5 photos each, all at once; resolves with the updates and their photo answers. */
async function burst(): Promise<{ updates: UserUpdate[]; answers: TelegramCall[] }> {
  const fake = h.telegram!;
  const users = Array.from({ length: 10 }, () => newUserId());
  const updates: UserUpdate[] = [];
  for (let round = 0; round < 5; round++) for (const [k, user] of users.entries()) updates.push(sendPhoto(fake, user, photoFor(round * 10 + k)));
  const answers = await Promise.all(updates.map((u) => answerTo(fake, u, 'sendPhoto', 90_000)));
  return { updates, answers };
}

test('50 photos from 10 users at once: every one answered exactly once, nothing lost, memory flat', { timeout: 120_000 }, async () => {
  const fake = h.telegram!;
  // The first burst grows the workers' wasm heaps and allocator arenas to their working size (that
  // memory is kept, not leaked); a second, identical burst must then leave memory where it was.
  await burst();
  const before = await memory();
  const { updates, answers } = await burst();
  const after = await memory();

  for (const [i, answer] of answers.entries()) {
    assert.match(textOf(answer), /^You look most like <b>/);
    const all = answersTo(fake, updates[i]);
    assert.equal(all.filter((c) => c.method === 'sendPhoto').length, 1, 'exactly one answer per photo');
    assert.ok(
      all.filter((c) => c.method === 'sendMessage').every((c) => /you are number \d+ in line/.test(textOf(c))),
      'the only other message is the queue notice',
    );
  }
  const notices = updates
    .flatMap((u) => answersTo(fake, u))
    .filter((c) => c.method === 'sendMessage')
    .map((c) => Number(textOf(c).match(/number (\d+)/)![1]));
  assert.ok(notices.length > 0 && notices.every((k) => k > 8), `queue notices only past 8 waiting: ${notices.join(', ')}`);
  assert.equal(await h.app.recognizer.depth(), 0, 'the work queue is empty again');
  assert.equal(h.app.engine!.pending, 0, 'the engine is idle again');
  assert.equal(h.app.core.pending, 0, 'no request left in flight');

  const growth = { rss: after.rss - before.rss, heap: after.heap - before.heap, external: after.external - before.external };
  console.log(
    `memory over the second burst of 50 photos: rss ${mb(before.rss)} -> ${mb(after.rss)}, heap ${mb(before.heap)} -> ${mb(after.heap)}, ` +
      `external ${mb(before.external)} -> ${mb(after.external)}, main-thread tensors ${before.tensors} -> ${after.tensors}, queue notices ${notices.length}`,
  );
  assert.ok(growth.heap < 8 * 1024 * 1024, `JS heap grew by ${mb(growth.heap)}`);
  assert.ok(growth.external < 16 * 1024 * 1024, `external (Buffers) grew by ${mb(growth.external)}`);
  assert.ok(growth.rss < 48 * 1024 * 1024, `RSS (all threads) grew by ${mb(growth.rss)}`);
  assert.equal(after.tensors, before.tensors, 'no tensor left behind in the main thread');
});
