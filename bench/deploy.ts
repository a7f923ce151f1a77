/**
 * Deploy section: how much memory the bot process takes, for sizing a machine or a container.
 * It starts `npm start` (dist/src/bots/main.js) as its own process, as an operator would, with
 * the packaged default model and the default runtime, against the fake Telegram Bot API, with
 * 1 and then 2 engine workers; has it answer photos (three users at once, so every worker works);
 * and reads the process's VmRSS (resident now) and VmHWM (peak) from /proc/<pid>/status.
 * Worker threads live in the same process, so that is the whole bot.
 */
import { readFileSync } from 'node:fs';
import { FakeTelegramServer } from '../test/fakes/telegram-api.js';
import { cleanEnv, startBot } from '../test/helpers/bot-process.js';
import { eventually } from '../test/helpers/eventually.js';
import { answerTo, newUserId, sendPhoto } from '../test/helpers/bots-telegram.js';
import { readFixture } from '../test/helpers/fixtures.js';
import { tempDir } from '../test/helpers/temp.js';
import { table } from './report.js';
import type { Section, SectionContext } from './section.js';
import { median } from './stats.js';

const FACES = ['ai-face', 'cgi-model-1', 'cgi-model-2', 'cgi-model-3', 'cgi-model-5'].map((n) => readFixture('faces', `${n}.jpg`));
const WORKER_COUNTS = [1, 2, 3];
/** As many users at once as the most workers measured, so every worker answers photos. */
const USERS = 3;
const PHOTOS_PER_USER = 8;

/** VmRSS and VmHWM of a process, MiB (Linux only). */
function procMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

interface Measurement {
  workers: number;
  backend: string;
  model: string;
  /** After start-up (models loaded in every worker), before any photo. */
  readyMiB: number;
  /** After answering USERS x PHOTOS_PER_USER photos. */
  answeredMiB: number;
  /** The high-water mark over the whole run. */
  peakMiB: number;
}

async function measure(workers: number, cacheDir: string, ctx: SectionContext): Promise<Measurement> {
  const fake = await FakeTelegramServer.start({ maxPollMs: 300 });
  try {
    const env = cleanEnv({
      CELEB_DATA_DIR: tempDir('celeb-bench-deploy-'),
      CELEB_CACHE_DIR: cacheDir,
      CELEB_WORKERS: String(workers),
      TELEGRAM_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      BOT_RATE_LIMIT: '1000',
    });
    const bot = startBot(tempDir('celeb-bench-cwd-'), env, 300_000);
    try {
      const readyLine = await eventually(() => bot.stdout.find((l) => l.includes('"app.ready"')), 180_000, `app.ready (stderr: ${bot.stderr()})`);
      const ready = JSON.parse(readyLine) as { backend: string; model: string };
      const readyMiB = procMemory(bot.child.pid!).rssMiB;
      const users = Array.from({ length: USERS }, async (_, u) => {
        const user = newUserId();
        for (let i = 0; i < PHOTOS_PER_USER; i++)
          await answerTo(fake, sendPhoto(fake, user, FACES[(u + i) % FACES.length]), 'sendPhoto', ctx.options.photoTimeoutMs);
      });
      await Promise.all(users);
      const after = procMemory(bot.child.pid!);
      return { workers, backend: ready.backend, model: ready.model, readyMiB, answeredMiB: after.rssMiB, peakMiB: after.peakMiB };
    } finally {
      bot.child.kill('SIGTERM');
      await bot.exit;
    }
  } finally {
    await fake.stop();
  }
}

export const deploySection: Section = {
  name: 'deploy',
  description: `RSS of the bot process (npm start, packaged model) with ${WORKER_COUNTS.join(', ')} engine workers, after answering ${USERS * PHOTOS_PER_USER} photos`,
  async run(ctx: SectionContext) {
    const cacheDir = tempDir('celeb-bench-cache-');
    const runs: Measurement[] = [];
    for (let round = 0; round < ctx.options.rounds; round++)
      for (const workers of WORKER_COUNTS) {
        ctx.log(`deploy: round ${round + 1}, ${workers} worker${workers > 1 ? 's' : ''}`);
        runs.push(await measure(workers, cacheDir, ctx));
      }
    const rows = WORKER_COUNTS.map((workers) => {
      const mine = runs.filter((r) => r.workers === workers);
      return {
        workers,
        backend: mine[0].backend,
        readyMiB: median(mine.map((r) => r.readyMiB)),
        answeredMiB: median(mine.map((r) => r.answeredMiB)),
        peakMiB: median(mine.map((r) => r.peakMiB)),
      };
    });
    // The slope of RSS over worker count (least squares over the rows): what one more worker costs.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const wx = mean(rows.map((r) => r.workers));
    const ry = mean(rows.map((r) => r.answeredMiB));
    const perWorker = Math.round(rows.reduce((a, r) => a + (r.workers - wx) * (r.answeredMiB - ry), 0) / rows.reduce((a, r) => a + (r.workers - wx) ** 2, 0));
    const markdown = [
      `## Deploy benchmark, ${ctx.startedAt.toISOString().slice(0, 10)}`,
      '',
      `The bot process (\`node dist/src/bots/main.js\`, model \`${runs[0].model}\`, backend ${runs[0].backend}) started against the fake Telegram Bot API, ` +
        `then ${USERS} users sending ${PHOTOS_PER_USER} photos each; VmRSS and VmHWM from /proc/<pid>/status, median of ${ctx.options.rounds} runs.`,
      '',
      table(
        ['engine workers', 'RSS ready (MiB)', `RSS after ${USERS * PHOTOS_PER_USER} photos (MiB)`, 'peak RSS (MiB)'],
        rows.map((r) => [String(r.workers), String(r.readyMiB), String(r.answeredMiB), String(r.peakMiB)]),
      ),
      '',
      `Each engine worker adds about ${perWorker} MiB (slope over ${WORKER_COUNTS.join(', ')} workers); the rest, about ${Math.round(rows[0].answeredMiB - perWorker)} MiB, is the main thread (bot clients, database, core).`,
    ].join('\n');
    return { name: 'deploy', json: { rows, runs, perWorkerMiB: perWorker, quietBeforeStart: ctx.quiet }, markdown };
  },
};
