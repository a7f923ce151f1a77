// The platform-neutral core, tested once with stand-ins: texts, parsing, limits, throttling,
// middleware, the request pipeline's decisions (busy, rate limit, shutdown, failures).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { BotCore } from '../src/bots/core/bot-core.js';
import { parseModelArgs, parseModelTarget, parseTrainArgs } from '../src/bots/core/commands.js';
import { compose, route } from '../src/bots/core/middleware.js';
import { ProgressEditor } from '../src/bots/core/progress-editor.js';
import { RateLimiter } from '../src/bots/core/rate-limit.js';
import { bold, plain, pre, renderWithin } from '../src/bots/core/text.js';
import { caveat, manyFacesText, percent, singleFaceText } from '../src/bots/core/texts/recognition.js';
import { photoReply } from '../src/bots/core/recognize.js';
import { Thumbnails } from '../src/bots/core/thumbnails.js';
import { DownloadError, type BotContext, type BotRequest } from '../src/bots/core/types.js';
import { QueueFullError, WorkQueue } from '../src/bots/core/work-queue.js';
import { discordMarkdown, toMarkdown } from '../src/bots/discord/render.js';
import { createLogger, silentLogger } from '../src/bots/log.js';
import { telegramHtml, toHtml } from '../src/bots/telegram/render.js';
import { InputError } from '../src/base/errors.js';
import { bytesImage, HeldEngine, localCore, numbered, prediction, RecordingChat } from './helpers/bots-core.js';

test('/train arguments: a preset by number or run:N, cancel, and a usage answer for anything else', () => {
  for (const text of ['5', ' run:5 ', 'run 5', 'RUN=5', 'run: 5']) assert.deepEqual(parseTrainArgs(text), { type: 'start', preset: 5 }, text);
  for (const text of ['cancel', 'stop', 'run:cancel']) assert.deepEqual(parseTrainArgs(text), { type: 'cancel' }, text);
  for (const text of ['default', 'run:default', 'run default']) assert.deepEqual(parseTrainArgs(text), { type: 'start', preset: 'default' }, text);
  assert.deepEqual(parseTrainArgs(''), { type: 'usage' });
  assert.deepEqual(parseTrainArgs('9'), { type: 'usage', problem: 'There are six presets, 1 to 6; 9 is not one of them.' });
  assert.deepEqual(parseTrainArgs('fast please'), { type: 'usage', problem: 'I don\'t understand "fast please".' });
});

test('/model arguments: show, use <run|default> (Telegram payload or Discord use: option), a usage answer for anything else', () => {
  for (const text of ['', ' show ']) assert.deepEqual(parseModelArgs(text), { type: 'show' }, text);
  for (const text of ['use 12', 'use:12', 'USE = #12']) assert.deepEqual(parseModelArgs(text), { type: 'use', target: 12 }, text);
  assert.deepEqual(parseModelArgs('use default'), { type: 'use', target: 'default' });
  assert.deepEqual(parseModelArgs('use'), { type: 'usage' });
  assert.deepEqual(parseModelArgs('use 0'), { type: 'usage', problem: '"0" is neither a run number nor "default".' });
  assert.deepEqual(parseModelArgs('the best'), { type: 'usage', problem: 'I don\'t understand "the best".' });
  assert.deepEqual(parseModelTarget(' Default'), { type: 'use', target: 'default' });
  assert.deepEqual(parseModelTarget('7'), { type: 'use', target: 7 });
});

test('answers: percentages, the best match with two runners-up, numbered faces', () => {
  assert.deepEqual([0.87, 0.004, 0.996, 1, 0.0549].map(percent), ['87%', '<1%', '>99%', '100%', '5%']);
  const one = prediction([['Tom Hanks', 'Will Smith', 'Brad Pitt']]);
  assert.equal(plain(singleFaceText(one.faces[0])), 'You look most like Tom Hanks (87%). Also: Will Smith 6%, Brad Pitt 3%');
  const three = prediction([
    ['A', 'B', 'C'],
    ['D', 'E', 'F'],
    ['G', 'H', 'I'],
  ]);
  assert.equal(
    plain(manyFacesText(numbered(three.faces), 7)),
    'I see 7 faces; here are the 3 largest, numbered on the picture:\n' +
      '1. A (87%). Also: B 6%, C 3%\n2. D (87%). Also: E 6%, F 3%\n3. G (87%). Also: H 6%, I 3%',
  );
  assert.match(plain(manyFacesText(numbered(three.faces.slice(0, 2)), 2)), /^I see 2 faces, numbered on the picture:\n1\. /);
});

test('a dark, blurry or tiny face is still answered, with a note that says why it may be off', () => {
  const [face] = prediction([['Tom Hanks', 'Will Smith']]).faces;
  assert.equal(caveat([]), '');
  assert.equal(
    plain(singleFaceText({ ...face, warnings: ['dark'] })),
    'You look most like Tom Hanks (87%). Also: Will Smith 6%\nNote: the photo is quite dark, so the answer may be off.',
  );
  assert.equal(caveat(['dark', 'blurry', 'small']), 'Note: the photo is quite dark, the face is blurry and the face is very small, so the answer may be off.');
  assert.match(plain(manyFacesText(numbered([{ ...face, warnings: ['small'] }, face]), 2)), /^1\. Tom Hanks \(87%\)\. Also: Will Smith 6% \(very small\)$/m);
});

test('several faces are numbered in reading order, on the picture and in the text', async () => {
  const p = prediction([['Left'], ['Right'], ['Top']]);
  p.faces[0].box = [10, 200, 120, 120]; // largest, bottom left
  p.faces[1].box = [300, 210, 100, 100]; // bottom right
  p.faces[2].box = [150, 10, 60, 60]; // smallest, top row
  const photo = await sharp({ create: { width: 500, height: 400, channels: 3, background: '#888' } })
    .jpeg()
    .toBuffer();
  const reply = await photoReply(photo, p, { dir: '/nowhere', manifest: { thumbnails: {} } }, { thumbnails: new Thumbnails('/nowhere'), maxImagePixels: 1e7 });
  assert.deepEqual(
    plain(reply.text)
      .split('\n')
      .slice(1)
      .map((l) => l.split(' (')[0]),
    ['1. Top', '2. Left', '3. Right'],
  );
  assert.ok(reply.picture && reply.picture.bytes.length > 0, 'the numbered picture comes along');
});

test('rendering escapes names for each platform and keeps within the length limits', () => {
  const text = ['You look like ', bold('<A*B> & C_'), '!', '\n', pre('x  y\n1  2')];
  assert.equal(toHtml(text), 'You look like <b>&lt;A*B&gt; &amp; C_</b>!\n<pre>x  y\n1  2</pre>');
  assert.equal(toMarkdown(text), 'You look like **<A\\*B> & C\\_**!\n```\nx  y\n1  2\n```');
  const long = ['&'.repeat(5000)];
  const html = renderWithin(long, telegramHtml, 1024);
  assert.ok(html.length <= 1024 && html.endsWith('&amp;…'), 'cut between entities, never inside one');
  assert.ok(renderWithin([pre('y'.repeat(3000))], discordMarkdown, 2000).length <= 2000);
});

test('the work queue: N at once, then places in line, then refusal; a freed slot goes to the next in line', async () => {
  const queue = new WorkQueue({ maxConcurrent: 2, maxQueue: 2 });
  const a = queue.enter();
  const b = queue.enter();
  const c = queue.enter();
  const d = queue.enter();
  assert.deepEqual([a.position, b.position, c.position, d.position], [0, 0, 1, 2]);
  assert.throws(() => queue.enter(), QueueFullError);
  let cStarted = false;
  void c.ready.then(() => (cStarted = true));
  a.release();
  a.release(); // a second release is ignored
  await sleep(0);
  assert.equal(cStarted, true);
  assert.deepEqual([queue.active, queue.queued], [2, 1]);
  d.release(); // gave up while waiting: leaves the line
  assert.deepEqual([queue.active, queue.queued], [2, 0]);
  b.release();
  c.release();
  assert.deepEqual([queue.active, queue.queued], [0, 0]);
});

test('the rate limit is a sliding window per user, with the wait until the next allowed request', () => {
  let now = 1_000_000;
  const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
  assert.deepEqual([limiter.take('u'), limiter.take('u'), limiter.take('u')], [0, 0, 0]);
  assert.equal(limiter.take('v'), 0, 'other users are not affected');
  now += 10_000;
  assert.equal(limiter.take('u'), 50_000);
  now += 50_000;
  assert.equal(limiter.take('u'), 0, 'the oldest request left the window');
});

test('the progress editor: throttled, always the latest text, never the same text twice, the final edit at once', async () => {
  const shown: string[] = [];
  const editor = new ProgressEditor(Promise.resolve({ edit: async (t) => void shown.push(plain(t)) }), 80, (e) => assert.fail(String(e)));
  for (let i = 1; i <= 20; i++) {
    editor.update([`epoch ${i}`]);
    await sleep(10);
  }
  editor.update(['epoch 20']);
  await sleep(120);
  await editor.finish(['done']);
  assert.ok(shown.length >= 2 && shown.length <= 8, `21 updates in ~0.3 s, at most one edit per 80 ms: ${shown.join(' | ')}`);
  assert.equal(shown[0], 'epoch 1', 'the first update shows at once');
  assert.deepEqual(shown.slice(-2), ['epoch 20', 'done'], 'the latest text, then the final one');
  assert.equal(new Set(shown).size, shown.length, 'no repeated text');
});

test('middleware: composed in order, routed by request kind, next() at most once', async () => {
  const seen: string[] = [];
  const mark = (name: string) => async (_: BotContext, next: () => Promise<void>) => {
    seen.push(name);
    await next();
  };
  const end = (name: string) => async () => void seen.push(name);
  const stack = compose<BotContext>(
    mark('log'),
    mark('errors'),
    route({
      help: end('help'),
      hint: end('hint'),
      photo: compose(mark('limit'), end('photo')),
      leaderboard: end('leaderboard'),
      who: end('who'),
      train: end('train'),
      model: end('model'),
    }),
  );
  const ctx = (request: BotRequest) => ({ request }) as BotContext; // only `request` is read here
  await stack(ctx({ kind: 'photo', image: bytesImage() }), async () => undefined);
  await stack(ctx({ kind: 'help' }), async () => undefined);
  assert.deepEqual(seen, ['log', 'errors', 'limit', 'photo', 'log', 'errors', 'help']);
  const twice = compose<BotContext>(async (_c, next) => {
    await next();
    await next();
  });
  await assert.rejects(
    twice(ctx({ kind: 'help' }), async () => undefined),
    /next\(\) called twice/,
  );
});

test('logs: one JSON object per line, secrets and token-shaped strings scrubbed, no undefined fields', () => {
  const lines: string[] = [];
  const log = createLogger({ secrets: ['s3cr3t-value'], write: (l) => lines.push(l), now: () => new Date(0) }).child({ platform: 'telegram' });
  log.info('request', {
    url: 'https://api.telegram.org/file/bot123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr/photos/1.jpg',
    note: 'has s3cr3t-value inside',
    gone: undefined,
  });
  log.debug('hidden');
  log.error('failed', new Error('token 123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr refused'));
  assert.equal(lines.length, 2);
  const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(first, {
    time: '1970-01-01T00:00:00.000Z',
    level: 'info',
    event: 'request',
    platform: 'telegram',
    url: 'https://api.telegram.org/file/bot[redacted]/photos/1.jpg',
    note: 'has [redacted] inside',
  });
  assert.equal(second.error, 'token [redacted] refused');
  assert.equal(second.level, 'error');
});

function coreWith(engine: HeldEngine, limits: Partial<ConstructorParameters<typeof BotCore>[0]['limits']> = {}) {
  const lines: string[] = [];
  const core = localCore(
    engine,
    { maxConcurrent: 1, queueNotice: 1, maxQueue: 3, ratePerUser: 100, rateWindowMs: 60_000, maxFaces: 8, ...limits },
    createLogger({ write: (l) => lines.push(l) }),
  );
  return { core, lines };
}
const user = (id: string) => ({ platform: 'telegram' as const, id, name: id });

test('the core: one at a time, "you are number k" past the notice bound, refusal past the queue bound', async () => {
  const engine = new HeldEngine();
  const { core } = coreWith(engine);
  const chats = Array.from({ length: 6 }, () => new RecordingChat());
  const done = chats.map((chat, i) => core.handle({ actor: user(`u${i}`), chat, request: { kind: 'photo', image: bytesImage() } }));
  await sleep(10);
  assert.deepEqual(
    chats.map((c) => c.replies),
    [
      [],
      [],
      ["I'm busy with other photos right now: you are number 2 in line. Your answer will follow."],
      ["I'm busy with other photos right now: you are number 3 in line. Your answer will follow."],
      ["I'm swamped with photos right now. Please send yours again in a minute."],
      ["I'm swamped with photos right now. Please send yours again in a minute."],
    ],
  );
  for (let i = 0; i < 4; i++) {
    while (engine.calls.length === 0) await sleep(1);
    assert.equal(engine.calls.length, 1, 'never more than maxConcurrent in the engine');
    engine.answerAll();
  }
  await Promise.all(done);
  assert.deepEqual(
    chats.slice(0, 4).map((c) => c.all.at(-1)),
    Array(4).fill('You look most like Tom Hanks (87%). Also: Will Smith 6%, Brad Pitt 3%'),
  );
  assert.equal(core.pending, 0);
});

test('the core: a failure of any kind becomes a sentence; unforeseen ones are logged as errors', async () => {
  const engine = new HeldEngine();
  const { core, lines } = coreWith(engine, { maxConcurrent: 5 });
  const cases: [unknown, RegExp][] = [
    [new InputError('no_face', 'x'), /couldn't find a face/],
    [new DownloadError('failed', 'x'), /couldn't download that photo/],
    [new DownloadError('platform_limit', 'x', 20 * 1024 * 1024, 30 * 1024 * 1024), /up to 20 MB, and this one is 30 MB/],
    [new TypeError('kaboom'), /^Sorry, something went wrong on my side/],
  ];
  for (const [error, sentence] of cases) {
    const chat = new RecordingChat();
    const handled = core.handle({ actor: user('x'), chat, request: { kind: 'photo', image: bytesImage() } });
    while (engine.calls.length === 0) await sleep(1);
    engine.calls.splice(0)[0].reject(error);
    await handled;
    assert.match(chat.replies.join(), sentence);
  }
  const errors = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'error');
  assert.deepEqual(
    errors.map((e) => e.errorName),
    ['DownloadError', 'TypeError'],
    'only the unforeseen ones',
  );
  const tooBig = new RecordingChat();
  await core.handle({
    actor: user('y'),
    chat: tooBig,
    request: {
      kind: 'photo',
      image: {
        size: 5000,
        download: async (max) => {
          throw new InputError('too_large', `over ${max}`);
        },
      },
    },
  });
  assert.match(tooBig.replies[0], /too large for me \(up to 0 MB/);
});

test('the core: per-user rate limit, and after stopAccepting new requests hear "restarting" while the one in flight finishes', async () => {
  const engine = new HeldEngine();
  const { core } = coreWith(engine, { maxConcurrent: 5, ratePerUser: 1 });
  const first = new RecordingChat();
  const inFlight = core.handle({ actor: user('a'), chat: first, request: { kind: 'photo', image: bytesImage() } });
  const second = new RecordingChat();
  await core.handle({ actor: user('a'), chat: second, request: { kind: 'photo', image: bytesImage() } });
  assert.match(second.replies[0], /^Easy there: I answer up to 1 photos or leaderboards per person every 60 seconds\. Try again in 60 s\.$/);
  core.stopAccepting();
  const late = new RecordingChat();
  await core.handle({ actor: user('b'), chat: late, request: { kind: 'help' } });
  assert.deepEqual(late.replies, ["I'm restarting right now. Please send that again in a minute."]);
  const drained = core.drain(2000);
  while (engine.calls.length === 0) await sleep(1);
  engine.answerAll();
  assert.equal(await drained, true);
  await inFlight;
  assert.match(first.all[0], /^You look most like Tom Hanks/);
});

test('the logger type keeps image bytes out', () => {
  // @ts-expect-error a Buffer is not a LogValue: the compiler refuses to log image bytes
  silentLogger.info('photo', { bytes: Buffer.from([1, 2, 3]) });
});
