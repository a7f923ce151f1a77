/** `npm start` as a real child process (dist/src/bots/main.js), its JSON log lines collected. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ROOT } from './fixtures.js';

export const MAIN = path.join(ROOT, 'dist', 'src', 'bots', 'main.js');

const children: ChildProcess[] = [];
/** Kills what a test file started and left running (call from `after`). */
export function killStrayBots(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

/** The environment without any bot variable of the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DISCORD_|TELEGRAM_|BOT_|CELEB_)/.test(k)));
  return { ...env, ...extra };
}

export interface BotProcess {
  child: ChildProcess;
  /** Complete stdout lines so far (one JSON log line each). */
  stdout: string[];
  stderr: () => string;
  exit: Promise<number | null>;
}

export function startBot(cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): BotProcess {
  const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines.filter(Boolean));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  void exit.finally(() => clearTimeout(timer));
  return { child, stdout, stderr: () => stderr, exit };
}
