// Training from chat, end to end: one app with BOTH bots (real telegraf and discord.js against
// the fakes) sharing one engine and one TrainingService, training the tiny fixture dataset
// with few epochs and few views.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { TRAINING_PHASES } from '../src/bots/ops/metrics.js';
import { getRun } from '../src/store/index.js';
import { celeb } from './helpers/cli.js';
import { startHarness, tempWorkspace, TG_ADMIN, workspaceEnv, type Harness } from './helpers/bots.js';
import { answerOf, command, contentOf, isFollowUp, isOriginalEdit } from './helpers/bots-discord.js';
import { answerTo, anyAnswerTo, newUserId, sendPhoto, sendText, sentId, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';
import { sample } from './helpers/metrics.js';
import { makeTinyDataset } from './helpers/tiny-dataset.js';

let h: Harness;
const LONG = 120_000;

before(async () => {
  const tmp = tempWorkspace('celeb-bots-train-');
  const data = await makeTinyDataset(tmp);
  const imported = await celeb(['data', 'import', data.dir, '--split', '60,20,20', '--seed', '3'], workspaceEnv(tmp));
  assert.equal(imported.code, 0, imported.stderr);
  h = await startHarness({ telegram: true, discord: true, tmp, trainingOverrides: { epochs: 3, augment: { views: 2 } } });
});
after(async () => {
  await h?.stop();
});

test(
  "an admin's /train acknowledges at once, edits progress in place (throttled), refuses a second run, then posts the result and loss curve",
  { timeout: LONG },
  async () => {
    const tg = h.telegram!;
    const dc = h.discord!;
    const ack = await answerTo(tg, sendText(tg, TG_ADMIN, '/train 5'));
    assert.equal(textOf(ack), "Started run #1 (preset 5: fc1 + NLL + sample pairing, 3 epochs). I'll keep this message up to date.");

    // While it runs: a second /train is refused with the running run's id and progress, on both platforms...
    const busy = await answerTo(tg, sendText(tg, TG_ADMIN, '/train run:2'));
    assert.match(
      textOf(busy),
      /^Run #1 \(preset 5: fc1 \+ NLL \+ sample pairing, 3 epochs\) is still training: (starting…|preparing features .*\.|epoch .*\.) Wait for it to finish, or stop it with \/train cancel\.$/,
    );
    const dcBusy = await answerOf(dc, command(dc, 'train', [{ name: 'run', type: 'integer', value: 2 }], { user: h.discordAdmin! }));
    assert.match(contentOf(dcBusy), /^Run #1 .* is still training: .* or stop it with \/train-cancel\.$/);
    // ...a non-admin is still refused, and photos are still answered.
    assert.match(textOf(await answerTo(tg, sendText(tg, newUserId(), '/train 2'))), /only the bot's admins/);
    assert.match(textOf(await answerTo(tg, sendPhoto(tg, newUserId(), readFixture('faces', 'cgi-model-1.jpg')), 'sendPhoto')), /^You look most like/);
    const during = await h.app.ops.metrics.text();
    assert.equal(h.app.training!.current?.runId, 1, 'the selfie was answered while run #1 trains');
    // The metrics saw the run going (it still is after the scrape, so it was during it) in exactly one phase.
    assert.equal(sample(during, 'celeb_training_running'), 1);
    assert.equal(TRAINING_PHASES.map((phase) => sample(during, `celeb_training_phase{phase="${phase}"}`)).filter((v) => v === 1).length, 1);

    const result = await tg.waitForCall('sendPhoto', (c) => textOf(c).includes('Run #1'), LONG);
    const caption = textOf(result);
    assert.match(
      caption,
      /^<b>Run #1 \(preset 5: fc1 \+ NLL \+ sample pairing, 3 epochs\)<\/b> done in [\dhms.]+: test top-1 [\d.]+%, top-3 [\d.]+%, best epoch \d\.\n/,
    );
    assert.match(
      caption,
      /\n<pre>run\s+preset\s+head\s+loss\s+pairing\s+epochs\s+best\s+val loss\s+test top-1\s+top-3\s+backend\s+time\n[- ]+\n +#1\s+5\s+fc1\s+nll\s+yes\s+3 .*<\/pre>\n/,
    );
    // The tiny dataset's 5 people are not the shipped model's 17: its accuracy says nothing about theirs.
    assert.match(
      caption,
      /\nNot made the active model: trained on other data \(5 people\) than the answering model \(the shipped default model, 17 people\)\. An admin can use it anyway with \/model use 1\.$/,
    );
    assert.equal(h.app.engine!.model.name, 'default');
    assert.equal((await sharp(result.files[0].bytes).metadata()).format, 'png', 'the loss curve');
    assert.equal(result.files[0].fileName, 'run-1-loss.png');

    const edits = tg.callsTo('editMessageText').filter((c) => Number(c.params.message_id) === sentId(ack) && !c.error);
    assert.ok(edits.length >= 2, `progress edits: ${edits.length}`);
    assert.ok(
      edits
        .slice(0, -1)
        .some((c) => /preparing features|epoch \d\/3 · train loss [\d.]+ · val loss [\d.]+ · val acc [\d.]+% · best epoch \d · ETA/.test(textOf(c))),
    );
    assert.match(textOf(edits[edits.length - 1]), /^<b>Run #1 .*<\/b> finished in [\d.]+s\.$/);
    const gaps = edits.slice(1, -1).map((c, i) => c.at - edits[i].at);
    // 0.3 s apart when sent; arrival times jitter a little, while an unthrottled editor would be milliseconds apart.
    assert.ok(
      gaps.every((gap) => gap >= 150),
      `progress edits at most about every 0.3 s: ${gaps.join(', ')} ms`,
    );
    assert.equal(getRun(h.app.db!, 1)?.status, 'done');
    const afterwards = await h.app.ops.metrics.text();
    assert.equal(sample(afterwards, 'celeb_training_running'), 0);
    assert.equal(sample(afterwards, 'celeb_training_runs_total{status="done"}'), 1);
  },
);

test(
  "an admin's /model use 1 pins run 1: photos are then answered by the trained model (the right person); others may not choose",
  { timeout: 30_000 },
  async () => {
    const tg = h.telegram!;
    assert.match(textOf(await answerTo(tg, sendText(tg, newUserId(), '/model use 1'))), /^Sorry, only the bot's admins can choose the model\./);
    assert.equal(
      textOf(await answerTo(tg, sendText(tg, TG_ADMIN, '/model use 1'))),
      "Run #1's model now answers photos. It is pinned: later training runs will not replace it until /model use default.",
    );
    assert.equal(h.app.engine!.model.name, 'run-1', 'the engine switched before the answer');
    const reply = await anyAnswerTo(tg, sendPhoto(tg, newUserId(), readFixture('faces', 'cgi-model-6.jpg')));
    // The look-alike card, with the run model's own reference thumbnails.
    if (reply.method === 'sendPhoto') assert.equal(reply.files[0].fileName, 'lookalike.jpg');
    assert.match(textOf(reply), /^You look most like <b>Ava<\/b> \(\d+%|>99%\)/);
    const dc = h.discord!;
    const shown = contentOf(await answerOf(dc, command(dc, 'model', [], { user: h.discordAdmin! })));
    assert.match(shown, /^Photos are answered by \*\*run #1's model \(test top-1 [\d.]+%, pinned\)\*\*, which knows 5 people\.\nChoose one with \/model use:/);
    assert.match(
      contentOf(await answerOf(dc, command(dc, 'model', [{ name: 'use', type: 'string', value: '99' }], { user: h.discordAdmin! }))),
      /^There is no run #99\.$/,
    );
  },
);

test('on Discord, /train defers, acknowledges in the reply, edits progress there and follows up with the result', { timeout: LONG }, async () => {
  const dc = h.discord!;
  const i = command(dc, 'train', [{ name: 'run', type: 'integer', value: 3 }], { user: h.discordAdmin! });
  const ack = await answerOf(dc, i);
  assert.equal(contentOf(ack), "Started run #2 (preset 3: fc1 + focal, 3 epochs). I'll keep this message up to date.");
  const result = await dc.waitForCall((c) => isFollowUp(i)(c) && c.status === 200, LONG);
  assert.match(contentOf(result), /^\*\*Run #2 \(preset 3: fc1 \+ focal, 3 epochs\)\*\* done in .*\n```\nrun .*\n.*\n +#2 +3 +fc1 +focal +no +3 .*\n```\n/);
  assert.equal(result.files[0].fileName, 'run-2-loss.png');
  const edits = dc.calls.filter((c) => isOriginalEdit(i)(c) && c.status === 200);
  assert.ok(edits.length >= 2, 'ack, then progress edits');
  assert.match(contentOf(edits[edits.length - 1]), /^\*\*Run #2 .*\*\* finished in [\d.]+s\.$/);
});

test('/leaderboard shows the runs, best first, with the bar chart, on both platforms', { timeout: 30_000 }, async () => {
  const tg = h.telegram!;
  const board = await answerTo(tg, sendText(tg, newUserId(), '/leaderboard'), 'sendPhoto');
  assert.match(textOf(board), /^<b>Training runs<\/b>, best test accuracy first:\n<pre>run +preset/);
  assert.match(textOf(board), /\n +#[12] +[53] +fc1 .*\n +#[12] +[53] +fc1 .*<\/pre>(\n\* best epoch was the last: more epochs may help)?$/);
  assert.equal(board.files[0].fileName, 'leaderboard.png');
  const dc = h.discord!;
  const dcBoard = await answerOf(dc, command(dc, 'leaderboard'));
  assert.match(
    contentOf(dcBoard),
    /^\*\*Training runs\*\*, best test accuracy first:\n```\nrun +preset.*\n.*\n +#[12] .*\n +#[12] .*\n```(\n\\?\* best epoch was the last: more epochs may help)?$/,
  );
  assert.equal(dcBoard.files[0].fileName, 'leaderboard.png');
});

test('/train cancel stops the running run; it ends as cancelled and the active model stays', { timeout: LONG }, async () => {
  const tg = h.telegram!;
  const active = h.app.engine!.model.name;
  const ack = await answerTo(tg, sendText(tg, TG_ADMIN, '/train 1'));
  assert.match(textOf(ack), /^Started run #3 \(preset 1: fc2 \+ NLL, 3 epochs\)/);
  assert.equal(textOf(await answerTo(tg, sendText(tg, TG_ADMIN, '/train cancel'))), 'Stopping run #3 after its current batch…');
  const end = await tg.waitForCall('sendMessage', (c) => textOf(c).startsWith('<b>Run #3'), LONG);
  assert.equal(textOf(end), '<b>Run #3 (preset 1: fc2 + NLL, 3 epochs)</b> was cancelled; the active model is unchanged.');
  assert.equal(getRun(h.app.db!, 3)?.status, 'cancelled');
  assert.equal(h.app.engine!.model.name, active);
});

test('shutdown while training and answering a photo: the photo is answered, the run is recorded as interrupted', { timeout: LONG }, async () => {
  const tg = h.telegram!;
  // The run waits at its first checkpoint until the shutdown ends it: it cannot finish first, however fast it is.
  h.app.training!.hold();
  await answerTo(tg, sendText(tg, TG_ADMIN, '/train 4'));
  const photo = sendPhoto(tg, newUserId(), readFixture('faces', 'cgi-model-6.jpg'));
  await tg.waitForCall('getFile', (c) => c.params.file_id === photo.message.photo![0].file_id);
  const stopped = h.app.stop('test');
  assert.match(textOf(await anyAnswerTo(tg, photo)), /^You look most like <b>Ava<\/b>/, 'the photo in flight is answered');
  await stopped;
  // A text, or a loss-curve photo with the text as caption when an epoch finished before the stop.
  const interrupted = [...tg.callsTo('sendMessage'), ...tg.callsTo('sendPhoto')].find((c) => textOf(c).startsWith('<b>Run #4'));
  assert.equal(
    textOf(interrupted!),
    '<b>Run #4 (preset 4: fc1 + NLL, 3 epochs)</b> was interrupted because the bot is shutting down; the active model is unchanged.',
  );
  assert.ok(h.logs.some((l) => l.event === 'shutdown.done' && l.drained === true && l.reported === true));
  assert.equal(h.app.db!.open, false, 'database closed');
  const { openDatabase } = await import('../src/store/index.js');
  const db = openDatabase(h.config.dbPath, { recoverInterruptedRuns: false });
  assert.equal(getRun(db, 4)?.status, 'interrupted');
  db.close();
  assert.deepEqual(
    h.logs.filter((l) => l.level === 'error'),
    [],
  );
});
