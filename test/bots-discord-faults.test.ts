// Defects 2, 6, 7, 8 and 9 of issue 7 on Discord: the real discord.js client against the fake
// Discord with faults injected (a connection closed without a response, an old interaction,
// an unknown command, a deleted message).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startHarness, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf, isCallback, isFollowUp, isOriginalEdit } from './helpers/bots-discord.js';
import type { DiscordRestCall } from './fakes/discord-api.js';

let h: Harness;

before(async () => {
  h = await startHarness({ discord: true });
});
after(async () => {
  await h?.stop();
  if (h) rmSync(h.tmp, { recursive: true, force: true });
});

const channelPosts = (channelId: string) => (c: DiscordRestCall) => c.method === 'POST' && c.path === `/channels/${channelId}/messages` && c.status === 200;

test('defect 6: when the edit of the deferred reply gets no response at all, it is retried and the answer fills the deferred reply', async () => {
  const fake = h.discord!;
  fake.failNext('PATCH', /\/messages\/@original$/, 'close');
  const i = command(fake, 'help');
  const answer = await answerOf(fake, i);
  assert.match(contentOf(answer), /never stored/);
  assert.equal(fake.calls.filter(isOriginalEdit(i)).length, 2, 'the failed edit and its retry');
  assert.equal(fake.calls.filter(isFollowUp(i)).length, 0, 'nothing went out as a follow-up');
});

test('defect 2: a message reply whose connection closes without a response is sent again', async () => {
  const fake = h.discord!;
  fake.failNext('POST', /^\/channels\/\d+\/messages$/, 'close');
  const message = fake.dispatchMessage({ content: 'hello' });
  const reply = await fake.waitForCall((c) => channelPosts(message.channel_id)(c) && /Send me a photo/.test(contentOf(c)), 15_000);
  assert.equal((reply.body as { message_reference?: { message_id?: string } }).message_reference?.message_id, message.id);
});

test('defect 7: a command the bot no longer has is acknowledged with a sentence saying so and what to use', async () => {
  const fake = h.discord!;
  const i = command(fake, 'selfie');
  const callback = await fake.waitForCall((c) => isCallback(i)(c), 10_000);
  const { type, data } = callback.body as { type: number; data: { content: string; flags?: number } };
  assert.equal(type, 4);
  assert.match(data.content, /^The \/selfie command is gone: .*\/help lists what I can do/);
  assert.equal(callback.status, 204);
});

test('defect 8: a run that outlives its interaction token moves its progress and result to a channel message, without follow-ups', async () => {
  const fake = h.discord!;
  // Invoked 14.5 minutes ago: the token works for half a minute more, less than the run lasts.
  const i = fake.dispatchInteraction({
    commandName: 'train',
    options: [{ name: 'run', type: 'integer', value: 2 }],
    user: h.discordAdmin!,
    guildId: fake.guildId,
    createdAt: Date.now() - 14.5 * 60_000,
  });
  const ack = await answerOf(fake, i);
  assert.match(contentOf(ack), /^Started run #\d+/, 'the deferred reply is filled while the token lives');
  const result = await fake.waitForCall((c) => channelPosts(fake.channelId)(c) && /^\*\*Run #\d+ .*\*\* failed: /.test(contentOf(c)), 60_000);
  assert.ok(result);
  const moved = fake.calls.find((c) => channelPosts(fake.channelId)(c) && /^\*\*Run #\d+ .*\*\* failed\.$/.test(contentOf(c)));
  assert.ok(moved, 'the progress message continued as a channel message');
  assert.equal(fake.calls.filter(isFollowUp(i)).length, 0, 'no follow-up with a dying token');
  assert.equal(fake.calls.filter((c) => c.status === 401).length, 0, 'never used the token past its end');
});

test('defect 9: a reply to a message the user deleted goes out without the reference', async () => {
  const fake = h.discord!;
  const message = fake.dispatchMessage({ content: 'hi there', author: fake.addUser({ username: 'deleter' }), deleted: true });
  const reply = await fake.waitForCall(
    (c) => c.method === 'POST' && c.path === `/channels/${message.channel_id}/messages` && /Send me a photo/.test(contentOf(c)),
    15_000,
  );
  assert.equal(reply.status, 200, JSON.stringify(reply.response));
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
});
