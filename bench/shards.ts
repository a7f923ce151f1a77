/**
 * Shards section: how to run two Discord shards, measured against the fake gateway (two
 * shards, max_concurrency 1 as for ordinary bots). Both ways start queue front ends (no
 * engine), as a sharded deployment would:
 *   internal: one `npm start` process whose discord.js client connects both shards;
 *   manager:  discord.js's ShardingManager spawning one `npm start` process per shard.
 * Reports the time from launch to every shard ready and the RSS of all processes involved.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FakeDiscordServer } from '../test/fakes/discord-api.js';
import { RedisServer } from '../test/helpers/redis.js';
import { tempDir } from '../test/helpers/temp.js';
import { processRssMiB } from './cpu.js';
import { shortMachineLine } from './machine.js';
import { table } from './report.js';
import { median, round } from './stats.js';
import type { Section, SectionContext } from './section.js';

const SHARDS = 2;

/** The manager process: discord.js's ShardingManager over the bot's own entry point. */
const MANAGER_SCRIPT = `
import { ShardingManager } from 'discord.js';
const manager = new ShardingManager(process.env.BOT_ENTRY, { totalShards: ${SHARDS}, token: process.env.DISCORD_TOKEN, respawn: false });
await manager.spawn({ timeout: 60000 });
console.log(JSON.stringify({ event: 'manager.ready' }));
process.on('SIGTERM', () => { for (const shard of manager.shards.values()) shard.kill(); process.exit(0); });
`;

interface Launch {
  way: 'internal' | 'manager';
  startMs: number;
  processes: number;
  rssMiB: number;
}

/** Child process ids of `pid` (from /proc/<child>/stat's ppid). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((child) => {
      try {
        const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

/** Starts `args`, resolves when a stdout line has `event` (ms since launch); fails after 120 s or on exit. */
async function launch(args: string[], env: Record<string, string>, event: string, cwd: string): Promise<{ child: ChildProcess; ms: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${event} not seen within 120 s: ${output.slice(-1500)}`)), 120_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`"event":"${event}"`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${event}: ${output.slice(-1500)}`)));
  });
  return { child, ms: performance.now() - t0 };
}

async function measure(way: Launch['way'], root: string, env: Record<string, string>): Promise<Launch> {
  const entry = path.join(root, 'dist', 'src', 'bots', 'main.js');
  const { child, ms } =
    way === 'internal'
      ? await launch([entry], { ...env, DISCORD_SHARDS: 'auto' }, 'app.ready', root)
      : await launch(['--input-type=module', '-e', MANAGER_SCRIPT], { ...env, BOT_ENTRY: entry }, 'manager.ready', root);
  await new Promise((r) => setTimeout(r, 2000)); // settle after start-up
  const pids = [child.pid!, ...childrenOf(child.pid!)];
  const rss = pids.map((pid) => processRssMiB(pid) ?? 0).reduce((a, b) => a + b, 0);
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return { way, startMs: round(ms, 0), processes: pids.length, rssMiB: round(rss, 1) };
}

export const shardsSection: Section = {
  name: 'shards',
  description: `two Discord shards on the fake gateway: one process (internal sharding) vs ShardingManager, start time and RSS`,
  async run(ctx: SectionContext) {
    const redis = await RedisServer.start();
    const discord = await FakeDiscordServer.start({ shards: SHARDS });
    const tmp = tempDir('celeb-bench-shards-');
    const env = {
      DISCORD_TOKEN: discord.token,
      DISCORD_API_ROOT: `${discord.restRoot}/`,
      CELEB_QUEUE_URL: redis.url,
      CELEB_ROLE: 'frontend',
      CELEB_DATA_DIR: tmp,
      CELEB_MODEL_DIR: path.join(ctx.root, 'model'),
      TELEGRAM_TOKEN: '',
    };
    try {
      const runs: Launch[] = [];
      for (let round = 0; round < ctx.options.rounds; round++) {
        for (const way of ['internal', 'manager'] as const) {
          ctx.log(`shards: ${way}, round ${round + 1}/${ctx.options.rounds}`);
          runs.push(await measure(way, ctx.root, env));
        }
      }
      const of = (way: Launch['way']) => runs.filter((r) => r.way === way);
      const summary = (['internal', 'manager'] as const).map((way) => ({
        way,
        processes: of(way)[0].processes,
        startMs: median(of(way).map((r) => r.startMs)),
        rssMiB: median(of(way).map((r) => r.rssMiB)),
      }));
      const json = { machine: shortMachineLine(), date: ctx.startedAt.toISOString(), shards: SHARDS, runs, summary, quietBeforeStart: ctx.quiet };
      const markdown = [
        `## Discord shards benchmark, ${ctx.startedAt.toISOString().slice(0, 10)}`,
        '',
        `${shortMachineLine()}. ${SHARDS} shards on the fake gateway (max_concurrency 1: shards identify 5 s apart, as for ordinary bots); queue front ends (no engine). Medians of ${ctx.options.rounds} launches.`,
        '',
        table(
          ['way', 'processes', 'launch to all shards ready, ms', 'RSS of all its processes, MiB'],
          summary.map((s) => [
            s.way === 'internal' ? 'one process, internal sharding' : 'ShardingManager, a process per shard',
            String(s.processes),
            String(s.startMs),
            s.rssMiB.toFixed(1),
          ]),
        ),
      ].join('\n');
      return { name: 'shards', json, markdown };
    } finally {
      await discord.stop();
      await redis.stop();
    }
  },
};
