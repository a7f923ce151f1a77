// The bots over a gallery of 1,712 people, end to end with the real discord.js and telegraf
// clients against the fakes: /who (found with its thumbnail, under an old spelling, not found
// with suggestions, usage), Discord's autocomplete, /help that counts instead of listing, "% similar" answers
// with the look-alike card.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { assertNoOpenSockets, startHarness, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf, isCallback } from './helpers/bots-discord.js';
import { answerTo, newUserId, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';
import { galleryWorkspace } from './helpers/gallery-model.js';

const PEOPLE = 1712;
let h: Harness;

before(async () => {
  h = await startHarness({ telegram: true, discord: true, tmp: await galleryWorkspace(PEOPLE), env: { BOT_RATE_LIMIT: '100' } });
});
after(async () => {
  await h?.stop();
});

test('the gallery is the model answering', () => {
  assert.equal(h.app.engine!.model.manifest.labels.length, PEOPLE);
});

test('/help says how many celebrities there are and points to /who instead of listing 1,712 names', async () => {
  const discord = contentOf(await answerOf(h.discord!, command(h.discord!, 'help')));
  assert.match(discord, /I know 1,712 celebrities; ask \/who name:<name> to check someone\./);
  assert.ok(!discord.includes('Example Person'), 'no list of names');
  const telegram = textOf(await answerTo(h.telegram!, sendText(h.telegram!, newUserId(), '/help')));
  assert.match(telegram, /I know 1,712 celebrities; ask \/who &lt;name&gt; to check someone\./);
  assert.match(telegram, /\/who &lt;name&gt; — check whether I know a celebrity/);
  assert.ok(!telegram.includes('Example Person') && !telegram.includes('Tom Hanks'), 'no list of names');
});

test('/who with a known name says yes, with the display name and the thumbnail (Discord)', async () => {
  const fake = h.discord!;
  const answer = await answerOf(fake, command(fake, 'who', [{ name: 'name', type: 'string', value: 'robert downey jr.' }]));
  assert.equal(contentOf(answer), 'Yes, **Robert Downey Jr** is one of the 1,712 celebrities I know.');
  assert.equal(answer.files[0].fileName, 'robert-downey-jr.jpg');
});

test('/who with a known name says yes, with the display name and the thumbnail (Telegram)', async () => {
  const fake = h.telegram!;
  const reply = await answerTo(fake, sendText(fake, newUserId(), '/who beyonce KNOWLES'), 'sendPhoto');
  assert.equal(textOf(reply), 'Yes, <b>Beyoncé Knowles</b> is one of the 1,712 celebrities I know.');
  assert.equal(reply.files[0].fileName, 'beyonce-knowles.jpg');
});

test('/who with an unknown name offers the nearest names; without a name it says how to ask', async () => {
  const telegram = h.telegram!;
  const typo = textOf(await answerTo(telegram, sendText(telegram, newUserId(), '/who Tom Hamks')));
  assert.equal(typo, 'No one called "Tom Hamks" among the 1,712 celebrities I know. Did you mean: <b>Tom Hanks</b>?');
  const nobody = textOf(await answerTo(telegram, sendText(telegram, newUserId(), '/who Zzyzx Qwerty')));
  assert.equal(nobody, 'No one called "Zzyzx Qwerty" among the 1,712 celebrities I know.');
  const usage = textOf(await answerTo(telegram, sendText(telegram, newUserId(), '/who')));
  assert.match(usage, /^Which celebrity\? Ask \/who &lt;name&gt;/);
  const discord = h.discord!;
  const partial = contentOf(await answerOf(discord, command(discord, 'who', [{ name: 'name', type: 'string', value: 'Example Person 001' }])));
  assert.equal(
    partial,
    'No one called "Example Person 001" among the 1,712 celebrities I know. Did you mean: **Example Person 0010**, **Example Person 0011**, **Example Person 0012**?',
  );
});

test('/who finds a renamed person under the old spelling too, and answers with the right one (both platforms, autocomplete)', async () => {
  const telegram = h.telegram!;
  const reply = await answerTo(telegram, sendText(telegram, newUserId(), '/who Chris Patt'), 'sendPhoto');
  assert.equal(textOf(reply), 'Yes, <b>Chris Pratt</b> is one of the 1,712 celebrities I know.');
  assert.equal(reply.files[0].fileName, 'chris-pratt.jpg');
  const discord = h.discord!;
  const answer = await answerOf(discord, command(discord, 'who', [{ name: 'name', type: 'string', value: 'chris patt' }]));
  assert.equal(contentOf(answer), 'Yes, **Chris Pratt** is one of the 1,712 celebrities I know.');
  const i = discord.dispatchAutocomplete('who', 'name', 'Chris Pat');
  const call = await discord.waitForCall(isCallback(i), 5000);
  const choices = (call.body as { data: { choices: { name: string }[] } }).data.choices.map((c) => c.name);
  assert.deepEqual(choices, ['Chris Pratt'], 'one person, under the right spelling');
});

test("Discord's autocomplete offers up to 25 names as they are typed", async () => {
  const fake = h.discord!;
  const choicesFor = async (typed: string) => {
    const i = fake.dispatchAutocomplete('who', 'name', typed);
    const call = await fake.waitForCall(isCallback(i), 5000);
    const body = call.body as { type: number; data: { choices: { name: string; value: string }[] } };
    assert.equal(body.type, 8, 'an autocomplete result');
    return body.data.choices;
  };
  assert.deepEqual(await choicesFor('scarl'), [{ name: 'Scarlett Johansson', value: 'Scarlett Johansson' }]);
  assert.equal((await choicesFor('downey'))[0].name, 'Robert Downey Jr');
  const many = await choicesFor('example');
  assert.equal(many.length, 25);
  assert.equal((await choicesFor('')).length, 25, 'something to pick before anything is typed');
});

test('a selfie gets "% similar" and the look-alike card', async () => {
  const fake = h.telegram!;
  const reply = await answerTo(fake, sendPhoto(fake, newUserId(), readFixture('faces', 'ai-face.jpg')), 'sendPhoto', 30_000);
  assert.match(textOf(reply), /^You look most like <b>.+?<\/b> \((?:\d+%|<1%|>99%) similar\), then .+? \((?:\d+%|<1%|>99%)\), .+? \((?:\d+%|<1%|>99%)\)$/);
  assert.equal(reply.files[0].fileName, 'lookalike.jpg');
  const card = await sharp(reply.files[0].bytes).metadata();
  assert.deepEqual([card.format, card.width], ['jpeg', 1080]);
  assert.ok(card.height > 1000, `the two faces, the names and two runners-up: ${card.height} px tall`);
});

test('no errors logged; the clients disconnect cleanly', async () => {
  await h.stop();
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
  assert.deepEqual(await assertNoOpenSockets(), []);
});
