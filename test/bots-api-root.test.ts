// API roots keep their path (defect 4 of issue 7): a Bot API server or a proxy at
// http://host:port/tgapi/ is reached there, for every call and every file download.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startHarness, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf } from './helpers/bots-discord.js';
import { answerTo, newUserId, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';

let h: Harness;

before(async () => {
  h = await startHarness({ telegram: true, discord: true, telegramPathPrefix: '/tgapi', discordApiPath: '/proxy/api' });
});
after(async () => {
  await h?.stop();
  if (h) rmSync(h.tmp, { recursive: true, force: true });
});

test('TELEGRAM_API_ROOT=http://host:port/tgapi/ keeps its path: commands, answers and file downloads go there', async () => {
  const fake = h.telegram!;
  assert.match(fake.apiRoot, /\/tgapi\/$/);
  assert.match(textOf(await answerTo(fake, sendText(fake, newUserId(), '/help'))), /Which celebrity/);
  const answer = await answerTo(fake, sendPhoto(fake, newUserId(), readFixture('faces', 'cgi-model-1.jpg')), 'sendPhoto');
  assert.match(textOf(answer), /^You look most like/);
  assert.equal(fake.downloads.length, 1);
});

test('DISCORD_API_ROOT with a path (http://host:port/proxy/api/) keeps it', async () => {
  const fake = h.discord!;
  assert.match(contentOf(await answerOf(fake, command(fake, 'help'))), /never stored/);
});
