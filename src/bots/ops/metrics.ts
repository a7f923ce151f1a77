/**
 * Prometheus metrics for `/metrics`, via prom-client, in one registry owned by one object.
 * Callers see a small typed surface (a request report, a training source, a queue-depth
 * reader); nothing else in the program imports prom-client or keeps a metric global.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Where a photo's time goes, in order: waiting for a slot, fetching it, the engine's stages, drawing and sending the answer. */
export const PHOTO_STAGES = ['wait', 'download', 'decode', 'detect', 'embed', 'rank', 'draw', 'send'] as const;
export type PhotoStage = (typeof PHOTO_STAGES)[number];

export type RequestOutcome = 'answered' | 'refused' | 'failed';

/** One request, when it is done. */
export interface RequestReport {
  platform: string;
  /** `photo`, `help`, `train`... */
  kind: string;
  outcome: RequestOutcome;
  /** The failure code (`no_face`, `busy`...) or the refusal (`rate_limited`...); null when answered. */
  reason: string | null;
  /** Received to done. */
  seconds: number;
  /** The photo stages that ran, in seconds. */
  stages: Partial<Record<PhotoStage, number>>;
}

/** What the bot core reports to; `Metrics` is the real one. */
export interface RequestObserver {
  requestDone(report: RequestReport): void;
}

/** The part of the training service the metrics read. */
export interface TrainingSource {
  readonly current: { readonly runId: number; readonly progress: { readonly phase: string; readonly epoch?: number } | null } | null;
  onFinished(listener: (outcome: { status: string }) => void): () => void;
}

export type QueueDepthReader = () => number | Promise<number>;

/** `starting`: the run's worker has not reported yet. */
export const TRAINING_PHASES = ['starting', 'extract', 'fit', 'train', 'evaluate', 'save'] as const;

export class Metrics implements RequestObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'platform' | 'kind' | 'outcome'>;
  private readonly photos: Counter<'platform'>;
  private readonly errors: Counter<'code'>;
  private readonly refusals: Counter<'reason'>;
  private readonly photoSeconds: Histogram;
  private readonly stageSeconds: Histogram<'stage'>;
  private readonly trainingRuns: Counter<'status'>;
  private training: TrainingSource | null = null;
  private unwatch: (() => void) | null = null;
  private queueDepth: QueueDepthReader | null = null;

  constructor(options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'celeb_requests_total',
      help: 'Requests handled, by platform, kind and outcome (answered, refused, failed).',
      labelNames: ['platform', 'kind', 'outcome'],
      registers,
    });
    this.photos = new Counter({ name: 'celeb_photos_answered_total', help: 'Photos answered with a look-alike.', labelNames: ['platform'], registers });
    this.errors = new Counter({
      name: 'celeb_errors_total',
      help: 'Failed requests by error code (no_face, too_large, busy, download_failed, unexpected...).',
      labelNames: ['code'],
      registers,
    });
    this.refusals = new Counter({
      name: 'celeb_refusals_total',
      help: 'Requests refused before any work (rate_limited, not_admin, shutting_down).',
      labelNames: ['reason'],
      registers,
    });
    this.photoSeconds = new Histogram({
      name: 'celeb_photo_seconds',
      help: 'Answered photos: received to answer sent.',
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30],
      registers,
    });
    this.stageSeconds = new Histogram({
      name: 'celeb_photo_stage_seconds',
      help: `Time per stage of a photo: ${PHOTO_STAGES.join(', ')}.`,
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.trainingRuns = new Counter({ name: 'celeb_training_runs_total', help: 'Training runs ended, by status.', labelNames: ['status'], registers });
    // prom-client calls collect() with the metric as `this`; these arrows read this object's state.
    const depth = (): number | Promise<number> => (this.queueDepth ? this.queueDepth() : 0);
    const running = (): TrainingSource['current'] => this.training?.current ?? null;
    new Gauge({
      name: 'celeb_queue_depth',
      help: 'Photos waiting for recognition (the in-process queue, or the distributed one when configured).',
      registers,
      async collect() {
        this.set(await depth());
      },
    });
    new Gauge({
      name: 'celeb_training_running',
      help: '1 while a training run is going.',
      registers,
      collect() {
        this.set(running() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'celeb_training_phase',
      help: `The running training run's phase (1 on the current one): ${TRAINING_PHASES.join(', ')}.`,
      labelNames: ['phase'],
      registers,
      collect() {
        const run = running();
        const phase = run ? (run.progress?.phase ?? 'starting') : null;
        for (const p of TRAINING_PHASES) this.set({ phase: p }, p === phase ? 1 : 0);
      },
    });
    new Gauge({
      name: 'celeb_training_epoch',
      help: "The running training run's current epoch (0 outside the training phase).",
      registers,
      collect() {
        this.set(running()?.progress?.epoch ?? 0);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  requestDone(report: RequestReport): void {
    this.requests.inc({ platform: report.platform, kind: report.kind, outcome: report.outcome });
    if (report.outcome === 'failed') this.errors.inc({ code: report.reason ?? 'unexpected' });
    if (report.outcome === 'refused') this.refusals.inc({ reason: report.reason ?? 'unknown' });
    if (report.kind !== 'photo' || report.outcome !== 'answered') return;
    this.photos.inc({ platform: report.platform });
    this.photoSeconds.observe(report.seconds);
    for (const stage of PHOTO_STAGES) {
      const seconds = report.stages[stage];
      if (seconds !== undefined) this.stageSeconds.observe({ stage }, seconds);
    }
  }

  /** Follows a training service: whether a run is going, its phase and epoch, and how runs end. */
  watchTraining(source: TrainingSource): void {
    this.unwatch?.();
    this.training = source;
    this.unwatch = source.onFinished((outcome) => this.trainingRuns.inc({ status: outcome.status }));
  }

  /** Where the queue depth comes from (the in-process work queue, or a distributed queue's count). */
  setQueueDepth(read: QueueDepthReader): void {
    this.queueDepth = read;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text for a scrape. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  close(): void {
    this.unwatch?.();
    this.unwatch = null;
    this.registry.clear();
  }
}
