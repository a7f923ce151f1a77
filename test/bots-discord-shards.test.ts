// Discord sharding (issue 19): the real discord.js client with two shards in one process
// (internal sharding) against the fake gateway, which routes each guild's events only to the
// session of its shard, as Discord does. Every command and message is answered exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayDispatchEvents, GatewayOpcodes } from 'discord.js';
import { eventually, startHarness, type Harness } from './helpers/bots.js';
import { answerOf, contentOf, isOriginalEdit, lookalike, post, replyTo } from './helpers/bots-discord.js';
import { readFixture } from './helpers/fixtures.js';
import { ConfigError, discordShards } from '../src/config.js';

const FACE = readFixture('faces', 'cgi-model-1.jpg');
let h: Harness;

before(async () => {
  h = await startHarness({ discord: true, discordShards: 2, env: { BOT_RATE_LIMIT: '100', DISCORD_SHARDS: 'auto' } });
});
after(async () => {
  await h?.stop();
});

test("two shards in one process: each shard gets only its guilds' events, and every request is answered once", { timeout: 120_000 }, async () => {
  const dc = h.discord!;
  const identified = dc.gatewayEvents
    .filter((e) => e.kind === 'receive' && e.op === GatewayOpcodes.Identify)
    .map((e) => (e.kind === 'receive' ? (e.d as { shard: [number, number] }).shard : null));
  assert.deepEqual(
    identified.sort(),
    [
      [0, 2],
      [1, 2],
    ],
    'discord.js asked GET /gateway/bot and identified both shards',
  );
  const started = h.logs.find((l) => l.event === 'bot.started' && l.platform === 'discord');
  assert.deepEqual([started?.shards, started?.shardCount], ['0,1', 2]);
  assert.equal(h.app.engine!.workers, 2, 'one engine (CELEB_WORKERS threads) for both shards');

  const [first, second] = [0, 1].map((shard) => dc.guildIds.find((g) => dc.shardOf(g) === shard)!);
  const commands = [lookalike(dc, FACE, 'a.jpg', 'image/jpeg', first), lookalike(dc, FACE, 'b.jpg', 'image/jpeg', second)];
  const mention = `<@${dc.bot.id}> who am I like?`;
  const messages = [
    post(dc, mention, [dc.addAttachment(FACE, 'c.jpg', 'image/jpeg')], { guild: first }),
    post(dc, mention, [dc.addAttachment(FACE, 'd.jpg', 'image/jpeg')], { guild: second }),
    post(dc, '', [dc.addAttachment(FACE, 'e.jpg', 'image/jpeg')]), // a DM: shard 0
  ];
  for (const interaction of commands) assert.match(contentOf(await answerOf(dc, interaction, 60_000)), /^You look most like \*\*/);
  for (const message of messages) assert.match(contentOf(await replyTo(dc, message, 60_000)), /^You look most like \*\*/);

  const dispatched = (t: string) => dc.gatewayEvents.filter((e) => e.kind === 'dispatch' && e.t === t).map((e) => (e.kind === 'dispatch' ? e.shard : -1));
  assert.deepEqual(dispatched(GatewayDispatchEvents.InteractionCreate), [0, 1], "each command went to its guild's shard only");
  assert.deepEqual(dispatched(GatewayDispatchEvents.MessageCreate), [0, 1, 0], 'each message too (a DM to shard 0)');
  for (const interaction of commands) assert.equal(dc.calls.filter((c) => isOriginalEdit(interaction)(c)).length, 1, 'answered once');
  for (const message of messages) {
    const replies = dc.calls.filter(
      (c) => c.method === 'POST' && (c.body as { message_reference?: { message_id?: string } } | undefined)?.message_reference?.message_id === message.id,
    );
    assert.equal(replies.length, 1, 'answered once');
  }
  const photoLines = () => h.logs.filter((l) => l.event === 'request' && l.kind === 'photo').length;
  await eventually(() => (photoLines() >= 5 ? true : undefined), 5000, 'the request log lines'); // written just after each answer
  assert.equal(photoLines(), 5, 'five requests, five log lines');
});

test("DISCORD_SHARDS: auto by default, shard ranges of a count, a ShardingManager's choice, and clear refusals", () => {
  assert.equal(discordShards({}), 'auto');
  assert.equal(discordShards({ DISCORD_SHARDS: 'auto' }), 'auto');
  assert.deepEqual(discordShards({ DISCORD_SHARDS: '0-3/8' }), { ids: [0, 1, 2, 3], count: 8 });
  assert.deepEqual(discordShards({ DISCORD_SHARDS: '4, 6-7/8' }), { ids: [4, 6, 7], count: 8 });
  assert.deepEqual(discordShards({ SHARDS: '[1]', SHARD_COUNT: '2' }), { ids: [1], count: 2 }, 'as a ShardingManager child');
  for (const bad of ['8/8', '3-1/4', 'two', '0-3', '/4', '1/0']) assert.throws(() => discordShards({ DISCORD_SHARDS: bad }), ConfigError, bad);
});
