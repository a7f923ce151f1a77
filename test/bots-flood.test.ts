// Defects 2, 3 and 9 of issue 7 on Telegram, with faults injected into the fake Bot API:
// a 500 or a dropped connection on a send, a user who floods, a replied-to message that is gone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createLogger } from '../src/bots/log.js';
import { PLATFORMS } from '../src/bots/platforms.js';
import { SendPacer } from '../src/bots/telegram/pacer.js';
import { eventually, startHarness, type Harness } from './helpers/bots.js';
import { bytesImage, HeldEngine, localCore, RecordingChat } from './helpers/bots-core.js';
import { answerTo, answersTo, newUserId, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';

let h: Harness;
const FACE = readFixture('faces', 'cgi-model-1.jpg');
const EASY = /^Easy there/;

before(async () => {
  h = await startHarness({ telegram: true, telegramFloodControl: { perSecond: 1, groupPerMinute: 20, burst: 3 } });
});
after(async () => {
  await h?.stop();
  if (h) rmSync(h.tmp, { recursive: true, force: true });
});

test('defect 2: one HTTP 500 on sendMessage, and a connection closed without a response on sendPhoto, still deliver the answer', async () => {
  const fake = h.telegram!;
  fake.failNext('sendMessage', 500);
  const help = await answerTo(fake, sendText(fake, newUserId(), '/help'));
  assert.match(textOf(help), /Which celebrity/);
  fake.failNext('sendPhoto', 'close', 500);
  const photo = await answerTo(fake, sendPhoto(fake, newUserId(), FACE), 'sendPhoto');
  assert.match(textOf(photo), /^You look most like/);
  assert.equal(fake.callsTo('sendMessage').filter((c) => /went wrong/.test(textOf(c))).length, 0, 'no "Sorry, something went wrong"');
});

test(
  'defect 3: a user who sends 20 photos at once gets 5 answers and one "Easy there", paced within the chat\'s flood limit',
  { timeout: 120_000 },
  async () => {
    const fake = h.telegram!;
    const userId = newUserId();
    const updates = Array.from({ length: 20 }, () => sendPhoto(fake, userId, FACE));
    const requests = () => h.logs.filter((l) => l.event === 'request' && l.user === String(userId));
    await eventually(() => (requests().length === 20 ? true : undefined), 60_000, 'all 20 requests handled');
    const answers = updates.flatMap((u) => answersTo(fake, u));
    assert.equal(answers.filter((c) => c.method === 'sendPhoto').length, 5);
    assert.equal(answers.filter((c) => EASY.test(textOf(c))).length, 1, 'told once, not once per refused photo');
    assert.deepEqual(
      fake.calls.filter((c) => c.error?.code === 429).map((c) => c.method),
      [],
      'never ran into flood control',
    );
  },
);

test('defect 3: "Easy there" once per wait, in the core, for every platform', async () => {
  const engine = new HeldEngine();
  const core = localCore(
    engine,
    { maxConcurrent: 5, queueNotice: 5, maxQueue: 10, ratePerUser: 2, rateWindowMs: 60_000, maxFaces: 8 },
    createLogger({ write: () => undefined }),
  );
  const chat = new RecordingChat();
  const actor = { platform: 'discord' as const, id: 'u', name: 'u' };
  const handled = Array.from({ length: 8 }, () => core.handle({ actor, chat, request: { kind: 'photo', image: bytesImage() } }));
  await eventually(() => (engine.calls.length === 2 ? true : undefined), 5000, 'two photos at the engine');
  engine.answerAll();
  await Promise.all(handled);
  assert.equal(chat.replies.filter((r) => EASY.test(r)).length, 1);
});

test('the pacer: a burst of 3 per chat, then 1 a second; groups 1 every 3 s (each with a 10% margin for jitter); chats do not wait for each other', async () => {
  let now = 0;
  const waits: number[] = [];
  const pacer = new SendPacer(PLATFORMS.telegram.pace, { now: () => now, sleep: async (ms) => void waits.push(ms) });
  for (let i = 0; i < 5; i++) await pacer.take(1);
  assert.deepEqual(waits.splice(0).map(Math.round), [1100, 2200]);
  await pacer.take(2);
  assert.deepEqual(waits.splice(0), [], 'another chat has its own bucket');
  for (let i = 0; i < 4; i++) await pacer.take(-100);
  assert.deepEqual(waits.splice(0).map(Math.round), [3300]);
  now = 10_000;
  await pacer.take(1);
  assert.deepEqual(waits.splice(0), [], 'refilled after a while');
});

test('defect 9: an answer to a message the user deleted still goes out (allow_sending_without_reply)', async () => {
  const fake = h.telegram!;
  const userId = newUserId();
  const update = sendPhoto(fake, userId, FACE);
  fake.deleteUserMessage(userId, update.message.message_id);
  const answer = await answerTo(fake, update, 'sendPhoto');
  assert.match(textOf(answer), /^You look most like/);
});
