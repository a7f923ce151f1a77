/**
 * A real redis-server for the queue tests, on a free port of 127.0.0.1, without persistence
 * (`--save "" --appendonly no`, its directory a temporary one): as in production, a restart
 * forgets everything. Tests skip with a clear message only where the binary is not installed
 * (.ci/run installs Debian's redis-server, so CI always runs them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { tempDir } from './temp.js';

/** The redis-server binary, or null when it is not installed. */
export const REDIS_SERVER: string | null = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : null;
})();

/** For `test(name, { skip: NO_REDIS }, ...)`: false when redis-server is there, else why the test is skipped. */
export const NO_REDIS: string | false = REDIS_SERVER ? false : 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)';

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class RedisServer {
  private process: ChildProcess | null = null;
  private readonly dir = tempDir('celeb-redis-');

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    if (!REDIS_SERVER) throw new Error(NO_REDIS || 'no redis-server');
    const server = new RedisServer(await freePort());
    await server.spawn();
    return server;
  }

  /** The server's process id (null while it is down). */
  get pid(): number | null {
    return this.process?.pid ?? null;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async spawn(): Promise<void> {
    const child = spawn(
      REDIS_SERVER!,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--loglevel', 'notice'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} during start-up: ${output.slice(-500)}`)));
    });
  }

  /** Kills the server as a crash would (SIGKILL): everything in it is gone. */
  async crash(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.process = null;
  }

  /** A new, empty server on the same port. */
  async restart(): Promise<void> {
    await this.crash();
    await this.spawn();
  }

  async stop(): Promise<void> {
    await this.crash();
  }
}
