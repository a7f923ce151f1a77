/** `celeb worker` as a real child process (the compiled CLI), with its JSON log lines parsed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { eventually } from './eventually.js';
import { ROOT } from './fixtures.js';

export type WorkerLine = Record<string, unknown> & { event: string };

export class WorkerProcess {
  readonly lines: WorkerLine[] = [];
  private stderr = '';

  private constructor(private readonly child: ChildProcess) {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts.filter(Boolean)) {
        try {
          this.lines.push(JSON.parse(line) as WorkerLine);
        } catch {
          this.lines.push({ event: 'unparsed', text: line });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  /** Starts `celeb worker` with `env` on top of this process's environment; resolves once it logs `worker.ready`. */
  static async start(env: Record<string, string>, args: string[] = [], timeoutMs = 120_000): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli.js'), 'worker', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(child);
    await worker.waitFor('worker.ready', () => true, timeoutMs);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Lines of `event`. */
  events(event: string): WorkerLine[] {
    return this.lines.filter((l) => l.event === event);
  }

  waitFor(event: string, predicate: (line: WorkerLine) => boolean = () => true, timeoutMs = 60_000): Promise<WorkerLine> {
    return eventually(
      () => {
        if (this.child.exitCode !== null && !this.lines.some((l) => l.event === event && predicate(l)))
          throw new Error(`celeb worker exited (${this.child.exitCode}) before logging ${event}: ${this.stderr.slice(-2000)}`);
        return this.lines.find((l) => l.event === event && predicate(l));
      },
      timeoutMs,
      `celeb worker to log ${event}`,
    );
  }

  /** SIGKILL: the process dies at once, whatever it holds. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM: a graceful stop; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = once(this.child, 'exit') as Promise<[number | null]>;
    this.child.kill('SIGTERM');
    const [code] = await exited;
    return code;
  }
}
