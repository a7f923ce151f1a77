// The Telegram bot end to end: the real telegraf client, the real engine (shipped default
// model, 2 wasm workers) and the real core, against the fake Bot API on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { TelegramError } from 'telegraf';
import { lookalikeCardLayout } from '../src/bots/card/layout.js';
import { addressedToBot } from '../src/bots/telegram/bot.js';
import { PUBLIC_COMMANDS, TELEGRAM_COMMANDS } from '../src/bots/telegram/commands.js';
import { withRetry as withRetryAfter } from '../src/bots/telegram/retry.js';
import { assertNoOpenSockets, eventually, startHarness, TG_ADMIN, type Harness } from './helpers/bots.js';
import { answerTo, answersTo, anyAnswerTo, newUserId, sendDocument, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { bombPng, CELEBRITY_17_MODEL, readFixture, solidJpeg, textFile, tiff, truncatedJpeg } from './helpers/fixtures.js';

let h: Harness;
const labels = (JSON.parse(readFileSync(path.join(CELEBRITY_17_MODEL, 'model.json'), 'utf8')) as { labels: string[] }).labels;

before(async () => {
  h = await startHarness({ telegram: true });
});
after(async () => {
  await h?.stop();
});

test("start-up registers everyone's menu without the admin commands, and the full menu in each admin's chat", async () => {
  const fake = h.telegram!;
  const [everyone, refused, ...more] = fake.callsTo('setMyCommands');
  assert.equal(more.length, 0, 'one admin is configured');
  // As on Telegram, an admin who never wrote to the bot has no chat yet: the menu follows their /start.
  assert.equal(refused.error?.description, 'Bad Request: chat not found');
  await answerTo(fake, sendText(fake, TG_ADMIN, '/start'));
  const admin = await fake.waitForCall('setMyCommands', (c) => c.error === undefined && c.params.scope !== undefined, 5000);
  assert.equal(everyone.params.scope, undefined, 'the default scope');
  assert.deepEqual(
    (everyone.params.commands as { command: string }[]).map((c) => c.command),
    ['start', 'help', 'lookalike', 'who', 'leaderboard'],
  );
  assert.deepEqual(everyone.params.commands, PUBLIC_COMMANDS);
  assert.deepEqual(admin.params.scope, { type: 'chat', chat_id: Number(TG_ADMIN) });
  assert.deepEqual(
    (admin.params.commands as { command: string }[]).map((c) => c.command),
    ['start', 'help', 'lookalike', 'who', 'leaderboard', 'train', 'model'],
  );
  assert.deepEqual(admin.params.commands, TELEGRAM_COMMANDS);
});

test('/start and /help say what the bot does, that photos are not stored, and the commands', async () => {
  const fake = h.telegram!;
  for (const command of ['/start', '/help']) {
    const reply = await answerTo(fake, sendText(fake, newUserId(), command));
    assert.equal(reply.params.parse_mode, 'HTML');
    const text = textOf(reply);
    assert.match(text, /celebrity/);
    assert.match(text, /never stored/);
    for (const c of ['/leaderboard', '/train &lt;1-6&gt;', '/train cancel', '/help']) assert.ok(text.includes(c), `${command} mentions ${c}`);
    assert.match(text, /knows 17 people: Angelina Jolie/);
  }
  const hint = await answerTo(fake, sendText(fake, newUserId(), 'hello there'));
  assert.match(textOf(hint), /Send me a photo with a face/);
});

test('a selfie gets the best match with its confidence, the next two, and the look-alike card', async () => {
  const fake = h.telegram!;
  const update = sendPhoto(fake, newUserId(), readFixture('faces', 'ai-face.jpg'));
  const reply = await answerTo(fake, update, 'sendPhoto');
  const caption = textOf(reply);
  const m = caption.match(/^You look most like <b>(.+?)<\/b> \((\d+%|>99%)\)\. Also: (.+?) (\d+%|<1%), (.+?) (\d+%|<1%)$/);
  assert.ok(m, `caption: ${caption}`);
  for (const name of [m[1], m[3], m[5]]) assert.ok(labels.includes(name), `${name} is one of the model's people`);
  assert.equal(new Set([m[1], m[3], m[5]]).size, 3);
  assert.equal(reply.files[0].fileName, 'lookalike.jpg');
  const card = await sharp(reply.files[0].bytes).metadata();
  const layout = lookalikeCardLayout([m[1], m[3], m[5]].map((name) => ({ name, score: '' })));
  assert.deepEqual([card.format, card.width, card.height], ['jpeg', 1080, layout.height], 'the card of the three names');
  assert.equal(
    fake.callsTo('sendChatAction').some((c) => Number(c.params.chat_id) === update.message.chat.id),
    true,
    'typing... while working',
  );
  assert.equal(answersTo(fake, update).length, 1, 'one answer');
});

test('a photo sent as a document (the largest-size rule aside) is answered the same way', async () => {
  const fake = h.telegram!;
  const update = sendDocument(fake, newUserId(), readFixture('faces', 'cgi-model-1.jpg'), 'me.jpg', 'image/jpeg');
  assert.match(textOf(await answerTo(fake, update, 'sendPhoto')), /^You look most like <b>/);
});

test("of a photo's sizes the largest is downloaded", async () => {
  const fake = h.telegram!;
  const small = fake.addFile(await solidJpeg('#888888', 90, 60), { width: 90, height: 60 });
  const large = fake.addFile(readFixture('faces', 'cgi-model-2.jpg'), { width: 640, height: 480 });
  const userId = newUserId();
  const update = fake.sendUserMessage({ chatId: userId, userId, photo: [small.file_id, large.file_id] });
  await answerTo(fake, update, 'sendPhoto');
  assert.ok(fake.callsTo('getFile').some((c) => c.params.file_id === large.file_id));
  assert.ok(!fake.callsTo('getFile').some((c) => c.params.file_id === small.file_id));
});

test('a group photo gets one numbered answer per face (up to 8, the largest) and the group card', async () => {
  const fake = h.telegram!;
  const group = readFixture('faces', 'group-1.jpg');
  const reply = await answerTo(fake, sendPhoto(fake, newUserId(), group), 'sendPhoto');
  const lines = textOf(reply).split('\n');
  const intro = lines[0].match(/^I see (\d+) faces(?:; here are the (\d+) largest)?, numbered on the picture:$/);
  assert.ok(intro, lines[0]);
  const found = Number(intro[1]);
  assert.equal(lines.length - 1, Math.min(found, 8));
  assert.equal(intro[2] === undefined, found <= 8);
  for (const line of lines.slice(1)) assert.match(line, /^\d+\. <b>.+<\/b> \(\S+\)\. Also: /);
  const numbers = lines.slice(1).map((l) => Number(l.split('.')[0]));
  assert.deepEqual(
    numbers,
    [...numbers].sort((a, b) => a - b),
    'in reading order',
  );
  assert.ok(numbers.every((n) => n >= 1 && n <= found));
  const card = await sharp(reply.files[0].bytes).metadata();
  assert.deepEqual([card.format, card.width], ['jpeg', 1080]);
  assert.equal(reply.files[0].fileName, 'faces.jpg');
});

test('in a group, only photos addressed to the bot are answered', async () => {
  const fake = h.telegram!;
  const userId = newUserId();
  const ignored = sendPhoto(fake, userId, readFixture('faces', 'cgi-model-3.jpg'), { chatId: -100200 });
  const mentioned = sendPhoto(fake, userId, readFixture('faces', 'cgi-model-3.jpg'), { chatId: -100200, caption: `@${fake.bot.username} who?` });
  const command = sendPhoto(fake, userId, readFixture('faces', 'cgi-model-3.jpg'), { chatId: -100200, caption: '/lookalike' });
  await answerTo(fake, mentioned, 'sendPhoto');
  await answerTo(fake, command, 'sendPhoto');
  assert.deepEqual(answersTo(fake, ignored), []);
});

test("in a group, a photo that replies to one of the bot's messages is addressed to it too", () => {
  const bot = { id: 99, username: 'lookalike_test_bot' };
  const group = { id: -5, type: 'supergroup', title: 'g' };
  const photo = (extra: object) => ({ message_id: 1, date: 0, chat: group, photo: [], ...extra }) as unknown as Parameters<typeof addressedToBot>[0]; // only the fields read
  assert.equal(addressedToBot(photo({ reply_to_message: { from: { id: 99 } } }), bot), true);
  assert.equal(addressedToBot(photo({ reply_to_message: { from: { id: 7 } } }), bot), false);
  assert.equal(addressedToBot(photo({ caption: 'hi @Lookalike_Test_Bot', caption_entities: [{ type: 'mention', offset: 3, length: 19 }] }), bot), true);
  assert.equal(addressedToBot(photo({ caption: '/lookalike@other_bot', caption_entities: [{ type: 'bot_command', offset: 0, length: 20 }] }), bot), false);
});

test('a 429 from Telegram is retried after retry_after; other errors and long waits are not', async () => {
  const tooMany = (seconds: number) => new TelegramError({ error_code: 429, description: 'Too Many Requests', parameters: { retry_after: seconds } });
  let calls = 0;
  assert.equal(await withRetryAfter(async () => (++calls < 3 ? Promise.reject(tooMany(0.01)) : 'sent')), 'sent');
  assert.equal(calls, 3);
  await assert.rejects(
    withRetryAfter(async () => Promise.reject(tooMany(120))),
    /Too Many Requests/,
    'two minutes is too long to hold an answer',
  );
  calls = 0;
  await assert.rejects(
    withRetryAfter(async () => (calls++, Promise.reject(new TelegramError({ error_code: 400, description: 'Bad Request' })))),
    /Bad Request/,
  );
  assert.equal(calls, 1);
});

test('each bad input gets its own friendly sentence, never a stack trace', async () => {
  const fake = h.telegram!;
  const cases: [string, Buffer, string, RegExp][] = [
    ['notes.txt', textFile(), 'text/plain', /doesn't look like an image/],
    ['cut.jpg', truncatedJpeg(), 'image/jpeg', /damaged/],
    ['scan.tiff', await tiff(), 'image/tiff', /can't read that image format/],
    ['bomb.png', await bombPng(), 'image/png', /too large for me \(up to 20 MB and 40 megapixels\)/],
    ['wall.jpg', await solidJpeg(), 'image/jpeg', /couldn't find a face/],
  ];
  for (const [name, bytes, mime, sentence] of cases) {
    const reply = await answerTo(fake, sendDocument(fake, newUserId(), bytes, name, mime));
    assert.match(textOf(reply), sentence, name);
    assert.doesNotMatch(textOf(reply), /Error|at .*\.js/, name);
  }
  const failures = () => h.logs.filter((l) => l.event === 'request' && l.failure).map((l) => l.failure);
  await eventually(() => (failures().length >= 5 ? true : undefined), 2000, 'the request log lines');
  assert.deepEqual(failures().slice(-5), ['not_an_image', 'corrupt', 'unsupported_format', 'too_large', 'no_face']);
});

test("a file over Telegram's 20 MB download limit gets the Telegram sentence, without a download", async () => {
  const fake = h.telegram!;
  const downloads = fake.downloads.length;
  const update = sendDocument(fake, newUserId(), Buffer.from('stand-in'), 'huge.jpg', 'image/jpeg', 25 * 1024 * 1024);
  const reply = await answerTo(fake, update);
  assert.match(textOf(reply), /^Telegram only lets bots download files up to 20 MB, and this one is 25 MB\. Send it as a photo/);
  assert.equal(fake.downloads.length, downloads);
});

test("a non-admin's /train is refused with their id, and the refusal is logged", async () => {
  const fake = h.telegram!;
  const userId = newUserId();
  for (const command of ['/train 5', '/train cancel', '/train']) {
    const reply = await answerTo(fake, sendText(fake, userId, command));
    assert.match(textOf(reply), new RegExp(`only the bot's admins can train models. \\(Your user id is ${userId}; .*TELEGRAM_ADMIN_IDS`));
  }
  const refusals = h.logs.filter((l) => l.event === 'refused' && l.user === String(userId));
  assert.equal(refusals.length, 3, 'logged before the answer is sent');
  assert.equal(refusals[0].level, 'warn');
  assert.equal(refusals[0].reason, 'not_admin');
  assert.equal(h.app.training!.current, null, 'nothing started');
});

test("an admin's /train without a valid preset gets the usage with the five presets", async () => {
  const fake = h.telegram!;
  const reply = await answerTo(fake, sendText(fake, TG_ADMIN, '/train 9'));
  assert.match(textOf(reply), /^There are six presets, 1 to 6; 9 is not one of them\.\nStart a training run with \/train &lt;1-6&gt;/);
  assert.match(textOf(reply), /5: fc1 \+ NLL \+ sample pairing, 100 epochs/);
  const cancel = await answerTo(fake, sendText(fake, TG_ADMIN, '/train cancel'));
  assert.equal(textOf(cancel), 'No training is running.');
});

test('/leaderboard with no runs yet says so', async () => {
  const fake = h.telegram!;
  const reply = await answerTo(fake, sendText(fake, newUserId(), '/leaderboard'));
  assert.match(textOf(reply), /^No finished training runs yet/);
});

test('a user over the rate limit is told when to try again', async () => {
  const fake = h.telegram!;
  const userId = newUserId();
  const bytes = readFixture('faces', 'cgi-model-5.jpg');
  const updates = Array.from({ length: 6 }, () => sendPhoto(fake, userId, bytes));
  const replies = await Promise.all(updates.map((u) => anyAnswerTo(fake, u)));
  const limited = replies.filter((r) =>
    /^Easy there: I answer up to 5 photos or leaderboards per person every 60 seconds\. Try again in \d+ s\.$/.test(textOf(r)),
  );
  assert.equal(limited.length, 1);
  assert.equal(replies.filter((r) => r.method === 'sendPhoto').length, 5);
});

test('logs are JSON lines with no token and no image bytes; the app stops cleanly', async () => {
  await h.stop();
  assert.ok(h.rawLogs.length > 10);
  for (const line of h.rawLogs) {
    assert.ok(!line.includes(h.telegram!.token), 'no token');
    assert.ok(!line.includes('TEST-token'));
    assert.ok(line.length < 2000, 'no image data');
  }
  const request = h.logs.find((l) => l.event === 'request' && l.kind === 'photo' && l.faces === 1);
  assert.ok(request && typeof request.ms === 'number' && request.platform === 'telegram');
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
  assert.ok(h.logs.some((l) => l.event === 'shutdown.done' && l.drained === true));
  assert.deepEqual(await assertNoOpenSockets(), []);
});
