/**
 * Bots section: the latency from "photo received" to "reply sent" through the real Telegram
 * path (fake Bot API, telegraf, core, engine pool), for one user sending photos one after
 * another and for ten users doing so at once. It reuses the tests' fake server and harness:
 * the fakes are what makes this measurable offline. It was a test that asserted only a count;
 * timings depend on the machine, so they belong here, not in `npm test`.
 */
import { readFixture } from '../test/helpers/fixtures.js';
import { startHarness, type Harness } from '../test/helpers/bots.js';
import { answerTo, newUserId, sendPhoto } from '../test/helpers/bots-telegram.js';
import { CpuMeter } from './cpu.js';
import { ms, table } from './report.js';
import { roundSummary, summarize, type Summary } from './stats.js';
import type { Section, SectionContext } from './section.js';

const FACES = ['ai-face', 'cgi-model-1', 'cgi-model-2', 'cgi-model-3', 'cgi-model-5', 'cgi-model-8', 'cgi-model-10'].map((n) =>
  readFixture('faces', `${n}.jpg`),
);
const ONE_USER_PHOTOS = 20;
const USERS = 10;
const PHOTOS_PER_USER = 8;

/** Sends one user's photos one after another, each after the previous answer; the latencies in ms. */
async function closedLoop(h: Harness, count: number, offset: number, timeoutMs: number): Promise<number[]> {
  const fake = h.telegram!;
  const userId = newUserId();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = Date.now();
    const update = sendPhoto(fake, userId, FACES[(offset + i) % FACES.length]);
    const answer = await answerTo(fake, update, 'sendPhoto', timeoutMs);
    latencies.push(answer.at - sent); // `at`: when the fake received the bot's sendPhoto request
  }
  return latencies;
}

export const botsSection: Section = {
  name: 'bots',
  description: `Telegram photo-to-reply latency through the fake Bot API: 1 user x ${ONE_USER_PHOTOS} photos, ${USERS} users x ${PHOTOS_PER_USER} at once`,
  async run(ctx: SectionContext) {
    // The same settings as the load test: 4 recognitions at once (2 workers x 2), no rate limit in the way.
    const h = await startHarness({ telegram: true, env: { BOT_RATE_LIMIT: '1000', BOT_MAX_CONCURRENT: '4', BOT_QUEUE_NOTICE: '8', BOT_MAX_QUEUE: '100' } });
    const cpu = new CpuMeter();
    try {
      ctx.log('bots: warm-up (one photo per worker)');
      await closedLoop(h, h.config.workers, 0, ctx.options.photoTimeoutMs);
      cpu.mark('one user');
      ctx.log(`bots: 1 user, ${ONE_USER_PHOTOS} photos one after another`);
      const one = summarize(await closedLoop(h, ONE_USER_PHOTOS, 0, ctx.options.photoTimeoutMs));
      cpu.mark('ten users');
      ctx.log(`bots: ${USERS} users at once, ${PHOTOS_PER_USER} photos each`);
      const loops = Array.from({ length: USERS }, (_, k) => closedLoop(h, PHOTOS_PER_USER, k, ctx.options.photoTimeoutMs));
      const ten = summarize((await Promise.all(loops)).flat());
      const report = cpu.stop();
      const row = (name: string, s: Summary) => [name, String(s.n), ms(s.median, 0), ms(s.p95, 0), ms(s.max, 0)];
      const json = { workers: h.config.workers, oneUser: roundSummary(one), tenUsers: roundSummary(ten), cpu: report, quietBeforeStart: ctx.quiet };
      const load =
        report.otherCores === null
          ? ''
          : ` Other processes used ${report.otherCores} cores on average meanwhile${report.otherCores > 0.2 ? ': the figures are pessimistic' : ''}.`;
      const markdown = [
        `## Bots benchmark, ${ctx.startedAt.toISOString().slice(0, 10)}`,
        '',
        `Photo received to reply sent, through the fake Telegram Bot API, ${h.config.workers} engine workers, at most 4 recognitions at once.${load}`,
        '',
        table(['users', 'photos', 'median ms', 'p95 ms', 'max ms'], [row('1', one), row(`${USERS} at once`, ten)]),
      ].join('\n');
      return { name: 'bots', json, markdown };
    } finally {
      await h.stop();
    }
  },
};
