// `npm start` as a real child process (dist/src/bots/main.js): what it says when nothing is
// configured, reading .env, JSON logs without secrets, and a graceful SIGTERM with a photo in flight.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeTelegramServer } from './fakes/telegram-api.js';
import { cleanEnv, killStrayBots, startBot as start } from './helpers/bot-process.js';
import { eventually, tempWorkspace, workspaceEnv } from './helpers/bots.js';
import { answerTo, newUserId, sendPhoto, sendText, textOf } from './helpers/bots-telegram.js';
import { readFixture } from './helpers/fixtures.js';

after(killStrayBots);

test('with no token configured it says what to set and exits non-zero', { timeout: 20_000 }, async () => {
  const run = start(tempWorkspace('celeb-main-'), cleanEnv());
  assert.equal(await run.exit, 78);
  assert.match(run.stderr(), /No bot token is set\. Set DISCORD_TOKEN and\/or TELEGRAM_TOKEN \(in the environment or in a \.env file\)/);
  assert.doesNotMatch(run.stderr(), / {4}at /, 'no stack trace');
});

test('a bad value stops it with a message naming the variable', { timeout: 20_000 }, async () => {
  const run = start(tempWorkspace('celeb-main-'), cleanEnv({ TELEGRAM_TOKEN: '123:abc', BOT_MAX_QUEUE: 'lots' }));
  assert.equal(await run.exit, 78);
  assert.match(run.stderr(), /^BOT_MAX_QUEUE must be a positive number, got "lots"/);
});

test('a token the platform refuses stops the start with exit 1 and names the variable, without echoing the token', { timeout: 30_000 }, async () => {
  const fake = await FakeTelegramServer.start();
  try {
    const tmp = tempWorkspace('celeb-main-');
    const run = start(tmp, cleanEnv({ ...workspaceEnv(tmp), CELEB_WORKERS: '1', TELEGRAM_TOKEN: '999:wrong-token', TELEGRAM_API_ROOT: fake.apiRoot }));
    assert.equal(await run.exit, 1);
    assert.match(
      run.stderr(),
      /^The telegram bot could not start: Telegram refused the token \(401: Unauthorized\)\. Check TELEGRAM_TOKEN \(.*\) and TELEGRAM_API_ROOT \(http:\/\/127\.0\.0\.1:\d+\)\.$/m,
    );
    assert.ok(!run.stderr().includes('wrong-token') && !run.stdout.join('\n').includes('wrong-token'));
    assert.doesNotMatch(run.stderr() + run.stdout.join('\n'), /\s+at |"stack"/, 'an expected failure has no stack trace');
    assert.ok(
      run.stdout.some((l) => l.includes('"shutdown.done"')),
      'what had started was closed again',
    );
  } finally {
    await fake.stop();
  }
});

test('reads .env under the real environment, answers, and on SIGTERM finishes the photo in flight before exiting 0', { timeout: 60_000 }, async () => {
  const fake = await FakeTelegramServer.start({ maxPollMs: 300 });
  try {
    const tmp = tempWorkspace('celeb-main-');
    const dotenv = { ...workspaceEnv(tmp), CELEB_WORKERS: '1', TELEGRAM_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_ADMIN_IDS: '1' };
    writeFileSync(
      path.join(tmp, '.env'),
      `# written by the test\n${Object.entries(dotenv)
        .map(([k, v]) => `${k}="${v}"`)
        .join('\n')}\nexport BOT_RATE_LIMIT=50 # inline comment\n`,
    );
    // A real variable wins over .env: the admin list comes from here.
    const run = start(tmp, cleanEnv({ TELEGRAM_ADMIN_IDS: '777' }));
    await eventually(() => run.stdout.find((l) => l.includes('"app.ready"')), 30_000, `app.ready (stderr: ${run.stderr()})`);
    const refused = await answerTo(fake, sendText(fake, newUserId(), '/train 5'));
    assert.match(textOf(refused), /only the bot's admins/);
    assert.match(textOf(await answerTo(fake, sendText(fake, 777, '/train 9'))), /There are six presets/, '777 is an admin (from the real environment)');

    const photo = sendPhoto(fake, newUserId(), readFixture('faces', 'cgi-model-1.jpg'));
    await fake.waitForCall('getFile', (c) => c.params.file_id === photo.message.photo![0].file_id, 10_000);
    run.child.kill('SIGTERM');
    const answer = await answerTo(fake, photo, 'sendPhoto', 20_000);
    assert.match(textOf(answer), /^You look most like <b>/, 'the photo in flight was answered');
    assert.equal(await run.exit, 0);

    const lines = run.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    const events = lines.map((l) => l.event);
    for (const e of ['bot.started', 'app.ready', 'refused', 'shutdown.begin', 'shutdown.done']) assert.ok(events.includes(e), e);
    assert.ok(events.indexOf('shutdown.begin') < events.lastIndexOf('request'), 'the photo finished during the shutdown');
    assert.equal(lines.find((l) => l.event === 'shutdown.done')?.drained, true);
    assert.ok(
      run.stdout.every((l) => !l.includes(fake.token) && !l.includes('TEST-token')),
      'no token in the logs',
    );
    assert.deepEqual(
      lines.filter((l) => l.level === 'error'),
      [],
    );
  } finally {
    await fake.stop();
  }
});
