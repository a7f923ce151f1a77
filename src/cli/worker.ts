/** `celeb worker`: answers photos from the queue with this machine's engine until SIGINT/SIGTERM. */
import { ConfigError, type AppConfig, type QueueConfig } from '../config.js';
import { createLogger, type Logger } from '../bots/log.js';
import { startWorkerService } from '../bots/queue/worker-service.js';
import { intOption, parse } from './args.js';

export async function workerCommand(argv: string[], config: AppConfig, queue: QueueConfig | null, secrets: readonly string[]): Promise<number> {
  const { values } = parse(argv, { concurrency: { type: 'string' }, 'hold-photos': { type: 'boolean' } }, 'worker');
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
