/** `celeb worker`: answers photos from the queue with this machine's engine until SIGINT/SIGTERM. */
import { ConfigError, type AppConfig, type QueueConfig } from '../config.js';
import { createLogger, type Logger } from '../bots/log.js';
import { startWorkerService } from '../bots/queue/worker-service.js';
import { intOption, parse } from './args.js';

const USAGE = 'celeb worker [--concurrency N]';

export const WORKER_HELP = `Usage: ${USAGE}

Takes recognition requests (photos) from the queue the bots put them on, answers them with this
machine's engine and sends the answers back to the bot that asked. Run as many as you like, on
any machine that reaches the Redis server and the model directory. Logs are JSON lines on stdout.

  --concurrency N   photos taken at once (default: the engine's threads, CELEB_WORKERS)

Environment: CELEB_QUEUE_URL (required, the bots' Redis: redis://host:6379), CELEB_QUEUE_PREFIX,
CELEB_QUEUE_LOCK_SECONDS, CELEB_QUEUE_STALLED_SECONDS, CELEB_WORKERS, CELEB_BACKEND,
CELEB_ONNX_THREADS, CELEB_MODEL_DIR. The model is the one the primary publishes (its directory
must exist at the same path here), else this machine's active model.
SIGINT/SIGTERM: stop taking photos, finish those in hand, exit 0.`;

export async function workerCommand(argv: string[], config: AppConfig, queue: QueueConfig | null, secrets: readonly string[]): Promise<number> {
  const { values } = parse(argv, { concurrency: { type: 'string' }, 'hold-photos': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, USAGE);
  if (values.help) {
    console.log(WORKER_HELP);
    return 0;
  }
  if (!queue) throw new ConfigError("celeb worker takes photos from a queue: set CELEB_QUEUE_URL to the bots' Redis (redis://host:6379).");
  const log: Logger = createLogger({ secrets });
  const service = await startWorkerService({
    config,
    queue,
    log,
    concurrency: values.concurrency === undefined ? undefined : intOption(values.concurrency, 'concurrency', 1, 1),
    // Undocumented on purpose: fault tests start a worker that takes a photo and never answers, to kill it mid-photo.
    holdPhotos: values['hold-photos'] ?? false,
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('worker.stopping', { signal });
  const forced = (): never => process.exit(130);
  process.once('SIGINT', forced);
  process.once('SIGTERM', forced);
  await service.stop();
  log.info('worker.stopped', { answered: service.photos.answered });
  return 0;
}
