// Started from a directory that has nothing to do with the project: the CLI and the bot find the
// packaged model, keep everything they write in CELEB_DATA_DIR, and write nothing to the cwd.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FakeTelegramServer } from './fakes/telegram-api.js';
import { cleanEnv, killStrayBots, startBot } from './helpers/bot-process.js';
import { eventually } from './helpers/eventually.js';
import { answerTo, newUserId, sendPhoto, textOf } from './helpers/bots-telegram.js';
import { face, readFixture, ROOT } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const run = promisify(execFile);
const CLI = path.join(ROOT, 'dist', 'src', 'cli.js');
after(killStrayBots);

/** Every file and folder under `dir`, relative, sorted. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

test('the CLI answers a photo and says where things live from a foreign directory, writing only into CELEB_DATA_DIR', { timeout: 180_000 }, async () => {
  const cwd = tempDir('celeb-foreign-cwd-');
  const data = path.join(tempDir('celeb-foreign-data-'), 'not-yet-made');
  copyFileSync(face('ai-face'), path.join(cwd, 'selfie.jpg'));
  const env = cleanEnv({ CELEB_DATA_DIR: data, CELEB_WORKERS: '1' });

  const which = await run(process.execPath, [CLI, 'which', 'selfie.jpg', '--json'], { cwd, env });
  const answer = JSON.parse(which.stdout) as { model: string; image: string; faces: { matches: { name: string }[] }[] };
  assert.equal(answer.model, 'default', 'the packaged model answered');
  assert.equal(answer.faces.length, 1);
  assert.ok(answer.faces[0].matches[0].name.length > 0);

  const info = JSON.parse((await run(process.execPath, [CLI, 'info', '--json'], { cwd, env })).stdout) as {
    paths: Record<string, string>;
  };
  assert.equal(info.paths.model, path.join(ROOT, 'model', 'default'));
  assert.equal(info.paths.shippedModels, path.join(ROOT, 'model'));
  assert.equal(info.paths.data, data);
  assert.equal(info.paths.dataFrom, 'CELEB_DATA_DIR');
  for (const key of ['db', 'cache', 'onnxCache', 'datasets', 'sources', 'downloads', 'models', 'runs'])
    assert.ok(info.paths[key].startsWith(data + path.sep), `${key} (${info.paths[key]}) is inside the data directory`);
  const text = (await run(process.execPath, [CLI, 'info'], { cwd, env })).stdout;
  assert.match(text, new RegExp(`^  data +${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +- from CELEB_DATA_DIR$`, 'm'));
  assert.match(text, /^ {2}database +\S+celeb\.db +- /m);

  assert.deepEqual(listing(cwd), ['selfie.jpg'], 'nothing was written to the working directory');
  assert.ok(
    readdirSync(path.join(data, 'cache', 'onnx')).some((f) => f.endsWith('.onnx')),
    'the ONNX conversions went to the data directory',
  );
});

test('the bot starts from a foreign directory with the packaged model, answers, and keeps its database in CELEB_DATA_DIR', { timeout: 180_000 }, async () => {
  const fake = await FakeTelegramServer.start({ maxPollMs: 300 });
  try {
    const cwd = tempDir('celeb-foreign-cwd-');
    const data = tempDir('celeb-foreign-data-');
    const bot = startBot(
      cwd,
      cleanEnv({ CELEB_DATA_DIR: data, CELEB_WORKERS: '1', TELEGRAM_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_ADMIN_IDS: '1' }),
      150_000,
    );
    const ready = await eventually(() => bot.stdout.find((l) => l.includes('"app.ready"')), 120_000, `app.ready (stderr: ${bot.stderr()})`);
    assert.equal((JSON.parse(ready) as { model: string }).model, 'default');
    const photo = sendPhoto(fake, newUserId(), readFixture('faces', 'cgi-model-1.jpg'));
    assert.match(textOf(await answerTo(fake, photo, 'sendPhoto', 60_000)), /^You look most like <b>/);
    bot.child.kill('SIGTERM');
    assert.equal(await bot.exit, 0);
    assert.deepEqual(listing(cwd), [], 'no stray data/celeb.db (or anything else) in the working directory');
    assert.ok(existsSync(path.join(data, 'celeb.db')), 'the database is in the data directory');
  } finally {
    await fake.stop();
  }
});
