// The Discord bot end to end: the real discord.js client (gateway + REST), the real engine
// (shipped default model, 2 wasm workers) and the real core, against the fake Discord.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationCommandOptionType, PermissionFlagsBits, type APIApplicationCommandIntegerOption, type APIApplicationCommandStringOption } from 'discord.js';
import { registerCommands } from '../src/bots/discord/register.js';
import { assertNoOpenSockets, eventually, startHarness, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf, isCallback, isFollowUp, lookalike, post, replyTo } from './helpers/bots-discord.js';
import { CELEBRITY_17_MODEL, readFixture, ROOT, textFile } from './helpers/fixtures.js';

let h: Harness;
const labels = (JSON.parse(readFileSync(path.join(CELEBRITY_17_MODEL, 'model.json'), 'utf8')) as { labels: string[] }).labels;
const ANSWER = /^You look most like \*\*(.+?)\*\* \((?:\d+%|>99%)\)\. Also: .+ (?:\d+%|<1%), .+ (?:\d+%|<1%)$/;

before(async () => {
  h = await startHarness({ discord: true, env: { BOT_RATE_LIMIT: '100' } }); // one user sends many photos here; the limit is tested on Telegram
});
after(async () => {
  await h?.stop();
});

test('the slash commands register to a guild and globally, /train for administrators only', async () => {
  const fake = h.discord!;
  const guild = await registerCommands({ token: fake.token, apiRoot: fake.restRoot, guildId: fake.guildId, adminIds: [] });
  assert.equal(guild.scope, `guild ${fake.guildId}`);
  assert.deepEqual(guild.names, ['lookalike', 'who', 'train', 'train-cancel', 'model', 'leaderboard', 'help']);
  const commands = fake.commands.get(fake.guildId)!;
  const byName = new Map(commands.map((c) => [c.name, c]));
  assert.equal(byName.get('train')?.default_member_permissions, PermissionFlagsBits.Administrator.toString());
  assert.equal(byName.get('train-cancel')?.default_member_permissions, PermissionFlagsBits.Administrator.toString());
  assert.equal(byName.get('model')?.default_member_permissions, PermissionFlagsBits.Administrator.toString());
  assert.equal(byName.get('lookalike')?.default_member_permissions, null);
  const image = byName.get('lookalike')?.options?.[0];
  assert.deepEqual([image?.name, image?.type, image?.required], ['image', ApplicationCommandOptionType.Attachment, true]);
  const name = byName.get('who')?.options?.[0] as APIApplicationCommandStringOption;
  assert.deepEqual([name.name, name.type, name.required, name.autocomplete, name.max_length], ['name', ApplicationCommandOptionType.String, true, true, 100]);
  const run = byName.get('train')?.options?.[0] as APIApplicationCommandIntegerOption;
  assert.equal(run.name, 'run');
  assert.deepEqual(
    run.choices?.map((c) => c.value),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(run.choices?.[4].name, '5: fc1 + NLL + sample pairing, 100 epochs');
  assert.equal(run.choices?.[5].name, '6: imprinted cosine head + CosFace 0.1, 10 epochs');
  assert.equal(run.required, false, "/train without a preset starts the data's default (6 on a gallery split)");

  // `npm run discord:register` is the same function behind the configuration.
  const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist', 'src', 'bots', 'register-discord.js')], {
    cwd: h.tmp,
    env: { ...process.env, DISCORD_TOKEN: fake.token, DISCORD_API_ROOT: fake.restRoot, DISCORD_GUILD_ID: '' },
    timeout: 20_000,
  });
  assert.match(stdout, /^Registered \/lookalike, \/who, \/train, \/train-cancel, \/model, \/leaderboard, \/help \(global\)/);
  assert.equal(fake.commands.get('global')?.length, 7);
});

test('/help is deferred, then says what the bot does, that photos are not stored, and the commands', async () => {
  const fake = h.discord!;
  const i = command(fake, 'help');
  const answer = await answerOf(fake, i);
  assert.equal((fake.calls.find(isCallback(i))?.body as { type: number }).type, 5, 'deferred');
  const text = contentOf(answer);
  assert.match(text, /never stored/);
  for (const c of ['/lookalike image:<photo>', '/who name:<name>', '/leaderboard', '/train run:<1-6>', '/train-cancel', '/help'])
    assert.ok(text.includes(c), c);
});

test('/lookalike with a selfie answers with the best match, the next two and the look-alike card, described for screen readers', async () => {
  const fake = h.discord!;
  const i = lookalike(fake, readFixture('faces', 'ai-face.jpg'));
  const answer = await answerOf(fake, i);
  const m = contentOf(answer).match(ANSWER);
  assert.ok(m, contentOf(answer));
  assert.ok(labels.includes(m[1]));
  assert.equal(answer.files.length, 1);
  assert.equal(answer.files[0].fileName, 'lookalike.jpg');
  const card = await sharp(answer.files[0].bytes).metadata();
  assert.deepEqual([card.format, card.width], ['jpeg', 1080]);
  const described = (answer.body as { attachments?: { description?: string }[] }).attachments?.[0]?.description;
  assert.equal(
    described,
    `You look most like ${m[1]}${contentOf(answer).slice(`You look most like **${m[1]}**`.length)}`,
    'alt text: the answer, without markdown',
  );
});

test('/lookalike with a group photo answers every face (up to 8) and sends the group card', async () => {
  const fake = h.discord!;
  const answer = await answerOf(fake, lookalike(fake, readFixture('faces', 'group-3.jpg')));
  const lines = contentOf(answer).split('\n');
  assert.equal(lines[0], 'I see 4 faces, numbered on the picture:');
  assert.deepEqual(
    lines.slice(1).map((l) => l.slice(0, 5)),
    ['1. **', '2. **', '3. **', '4. **'],
  );
  assert.equal(answer.files[0].fileName, 'faces.jpg');
  assert.equal((await sharp(answer.files[0].bytes).metadata()).width, 1080);
});

test('/lookalike with a text file gets the not-an-image sentence', async () => {
  const fake = h.discord!;
  const answer = await answerOf(fake, lookalike(fake, textFile(), 'notes.txt', 'text/plain'));
  assert.match(contentOf(answer), /doesn't look like an image/);
});

test('a photo in a DM, and one in a guild message that mentions the bot, get replies; unaddressed messages do not', async () => {
  const fake = h.discord!;
  const dm = post(fake, '', [fake.addAttachment(readFixture('faces', 'cgi-model-2.jpg'), 'a.jpg', 'image/jpeg')]);
  assert.match(contentOf(await replyTo(fake, dm)), ANSWER);
  const ignored = post(fake, 'look at this', [fake.addAttachment(readFixture('faces', 'cgi-model-3.jpg'), 'b.jpg', 'image/jpeg')], { guild: true });
  const mention = post(fake, `<@${fake.bot.id}> who?`, [fake.addAttachment(readFixture('faces', 'cgi-model-3.jpg'), 'c.jpg', 'image/jpeg')], { guild: true });
  const reply = await replyTo(fake, mention);
  assert.match(contentOf(reply), ANSWER);
  assert.deepEqual((reply.body as { allowed_mentions?: { replied_user?: boolean } }).allowed_mentions?.replied_user, false, 'no ping');
  const hint = post(fake, `<@${fake.bot.id}> hello`, [], { guild: true });
  assert.match(contentOf(await replyTo(fake, hint)), /^Send me a photo with a face/);
  assert.equal(
    fake.calls.some((c) => (c.body as { message_reference?: { message_id: string } } | undefined)?.message_reference?.message_id === ignored.id),
    false,
  );
});

test('/leaderboard with no runs yet says so', async () => {
  const fake = h.discord!;
  assert.match(
    contentOf(await answerOf(fake, command(fake, 'leaderboard'))),
    /^No finished training runs yet\. An admin can start one with \/train run:<1-6>\./,
  );
});

test("a non-admin's /train is refused (and logged) even though Discord let them run it; an admin may cancel nothing", async () => {
  const fake = h.discord!;
  const refused = await answerOf(fake, command(fake, 'train', [{ name: 'run', type: 'integer', value: 5 }]));
  assert.match(contentOf(refused), new RegExp(`only the bot's admins can train models\\. \\(Your user id is ${fake.user.id}; .*DISCORD\\\\?_ADMIN\\\\?_IDS`));
  assert.ok(h.logs.some((l) => l.event === 'refused' && l.user === fake.user.id && l.platform === 'discord'));
  const cancel = await answerOf(fake, command(fake, 'train-cancel', [], { user: h.discordAdmin!, dm: true }));
  assert.equal(contentOf(cancel), 'No training is running.');
  assert.equal(h.app.training!.current, null);
});

test('when the interaction token has expired, the answer goes to the channel instead', async () => {
  const fake = h.discord!;
  const i = lookalike(fake, readFixture('faces', 'group-1.jpg'));
  await fake.waitForCall(isCallback(i)); // deferred...
  fake.expireInteraction(i.token); // ...and then Discord forgets the token (15 minutes in real life)
  const sent = await fake.waitForCall(
    (c) => c.method === 'POST' && c.path === `/channels/${fake.channelId}/messages` && /^I see \d+ faces/.test(contentOf(c)),
    15_000,
  );
  assert.equal(sent.files[0].fileName, 'faces.jpg');
  assert.equal(fake.calls.filter(isFollowUp(i)).length, 0);
});

test('logs hold no token; the client disconnects cleanly', async () => {
  await eventually(() => (h.logs.filter((l) => l.event === 'request').length >= 10 ? true : undefined), 5000, 'request log lines');
  await h.stop();
  for (const line of h.rawLogs) assert.ok(!line.includes(h.discord!.token), 'no token');
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
  assert.deepEqual(await assertNoOpenSockets(), []);
});
