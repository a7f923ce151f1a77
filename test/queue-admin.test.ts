// Admin commands with a queue (issue 19): a Discord front end without the store
// (CELEB_ROLE=frontend) sends /train, /leaderboard and /model through the admin queue to the
// primary, which owns SQLite and trains; the replies, progress edits and pictures come back to
// the front end's chat. Two real bot apps, a real redis-server, the fake platforms.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { getRun } from '../src/store/index.js';
import { celeb } from './helpers/cli.js';
import { startHarness, tempWorkspace, workspaceEnv, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf, isFollowUp, isOriginalEdit } from './helpers/bots-discord.js';
import { NO_REDIS, RedisServer } from './helpers/redis.js';
import { makeTinyDataset } from './helpers/tiny-dataset.js';

const LONG = 240_000;
let redis: RedisServer;
let primary: Harness;
let front: Harness;

before(async () => {
  if (NO_REDIS) return;
  redis = await RedisServer.start();
  const tmp = tempWorkspace('celeb-queue-admin-');
  const data = await makeTinyDataset(tmp);
  const imported = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '3'], workspaceEnv(tmp));
  assert.equal(imported.code, 0, imported.stderr);
  const queue = { CELEB_QUEUE_URL: redis.url, CELEB_QUEUE_NOTICE_SECONDS: '30' };
  primary = await startHarness({ telegram: true, tmp, env: { ...queue, CELEB_ROLE: 'primary' }, trainingOverrides: { epochs: 3, augment: { views: 2 } } });
  front = await startHarness({ discord: true, tmp, env: { ...queue, CELEB_ROLE: 'frontend' } });
});

after(async () => {
  await front?.stop();
  await primary?.stop();
  await redis?.stop();
});

test(
  '/train on a front end without the store runs on the primary; the acknowledgement, progress edits and result reach the Discord chat',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    assert.deepEqual([front.app.db, front.app.training, front.app.engine], [null, null, null], 'the front end has no store, no training, no engine');
    const dc = front.discord!;
    const i = command(dc, 'train', [{ name: 'run', type: 'integer', value: 5 }], { user: front.discordAdmin! });
    assert.equal(
      contentOf(await answerOf(dc, i, 60_000)),
      "Started run #1 (preset 5: fc1 + NLL + sample pairing, 3 epochs). I'll keep this message up to date.",
    );
    const result = await dc.waitForCall((c) => isFollowUp(i)(c) && c.status === 200, LONG);
    assert.match(contentOf(result), /^\*\*Run #1 \(preset 5: fc1 \+ NLL \+ sample pairing, 3 epochs\)\*\* done in /);
    assert.equal(result.files[0].fileName, 'run-1-loss.png');
    const edits = dc.calls.filter((c) => isOriginalEdit(i)(c) && c.status === 200);
    assert.ok(edits.length >= 2, `the acknowledgement, then progress edits: ${edits.length}`);
    assert.match(contentOf(edits.at(-1)!), /^\*\*Run #1 .*\*\* finished in [\d.]+s\.$/);
    assert.equal(getRun(primary.app.db!, 1)?.status, 'done', "the run is in the primary's store");
    const handled = primary.logs.find((l) => l.event === 'admin.request' && l.kind === 'train');
    assert.equal(handled?.follow, true, 'the primary handled it and followed the run');
  },
);

test(
  '/leaderboard and /model from the front end are answered by the primary; a non-admin is refused by the front end itself',
  { skip: NO_REDIS, timeout: LONG },
  async () => {
    const dc = front.discord!;
    const board = await answerOf(dc, command(dc, 'leaderboard'), 60_000);
    assert.match(contentOf(board), /^\*\*Training runs\*\*, best test accuracy first:\n```\nrun +preset.*\n.*\n +#1 +5 +fc1 /);
    assert.equal(board.files[0].fileName, 'leaderboard.png');
    const shown = await answerOf(dc, command(dc, 'model', [], { user: front.discordAdmin! }), 60_000);
    assert.match(contentOf(shown), /^Photos are answered by \*\*the shipped default model\*\*, which knows 17 people\./);
    const refused = await answerOf(dc, command(dc, 'train', [{ name: 'run', type: 'integer', value: 2 }]), 60_000);
    assert.match(contentOf(refused), /^Sorry, only the bot's admins can train models\./);
    // Refused before anything is queued: the primary has only ever handled the admin's one /train.
    const trains = primary.logs.filter((l) => l.event === 'admin.request' && l.kind === 'train');
    assert.equal(trains.length, 1, 'nothing reached the primary');
    assert.equal(trains[0].user, front.discordAdmin!.id);
  },
);

test('with a queue, a primary may run without a chat token (it serves the front ends); a front end may not', { skip: NO_REDIS, timeout: LONG }, async () => {
  const env = { CELEB_QUEUE_URL: redis.url, CELEB_QUEUE_PREFIX: 'solo' }; // its own keys: the test's primary keeps the default ones
  const alone = await startHarness({ env: { ...env, CELEB_ROLE: 'primary' } });
  try {
    assert.deepEqual(alone.app.bots, []);
    assert.ok(alone.app.db && alone.app.training, 'it owns the store and the training service');
    assert.ok(alone.logs.some((l) => l.event === 'app.ready' && l.role === 'primary'));
  } finally {
    await alone.stop();
  }
  await assert.rejects(startHarness({ env: { ...env, CELEB_ROLE: 'frontend' } }), /^NoBotConfiguredError: No bot token is set\./);
});
