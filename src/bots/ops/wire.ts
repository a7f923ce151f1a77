/**
 * The app's operations side, wired once: the metrics (always kept: cheap, and the core reports
 * to them), and with `CELEB_HTTP_PORT` the HTTP endpoint with its health checks.
 */
import type { AppConfig } from '../../config.js';
import type { LookalikeEngine } from '../../engine/lookalike.js';
import type { Logger } from '../log.js';
import type { PlatformBot } from '../platform.js';
import type { CheckResult } from './health.js';
import { OpsServer } from './http-server.js';
import { Metrics, type QueueDepthReader, type TrainingSource } from './metrics.js';

export interface Ops {
  readonly metrics: Metrics;
  /** Null without `CELEB_HTTP_PORT`. */
  readonly server: OpsServer | null;
}

export async function startOps(config: AppConfig, log: Logger, metrics = new Metrics()): Promise<Ops> {
  const server = config.http ? await OpsServer.start({ ...config.http, metrics, log: log.child({ component: 'http' }) }) : null;
  return { metrics, server };
}

/** Ready when it has a live worker to answer with. */
export function engineCheck(engine: Pick<LookalikeEngine, 'liveWorkers' | 'workers' | 'model'>): () => CheckResult {
  return () => {
    const live = engine.liveWorkers;
    return live > 0
      ? { ok: true, detail: `${live} of ${engine.workers} workers, model ${engine.model.name}` }
      : { ok: false, detail: 'no recognition worker is running' };
  };
}

/** Ready when the front end's Redis connection is up (the workers behind it answer photos). */
export function queueCheck(frontEnd: { readonly client: { readonly status: string } }): () => CheckResult {
  return () => {
    const status = frontEnd.client.status;
    return status === 'ready' ? { ok: true, detail: 'queue connected' } : { ok: false, detail: `queue ${status}` };
  };
}

/** What the running app reports: its engine (or queue), each platform's connection, training, the queue's depth. */
export function watchApp(
  ops: Ops,
  parts: {
    engine: LookalikeEngine | null;
    frontEnd: { readonly client: { readonly status: string } } | null;
    bots: readonly PlatformBot[];
    training: TrainingSource | null;
    queueDepth: QueueDepthReader;
  },
): void {
  if (parts.training) ops.metrics.watchTraining(parts.training);
  ops.metrics.setQueueDepth(parts.queueDepth);
  if (!ops.server) return;
  if (parts.engine) ops.server.checks.set('engine', engineCheck(parts.engine));
  if (parts.frontEnd) ops.server.checks.set('queue', queueCheck(parts.frontEnd));
  for (const bot of parts.bots)
    ops.server.checks.set(bot.platform, () => {
      const { connected, detail } = bot.connection();
      return { ok: connected, detail };
    });
}
