/** `celeb train --run N | --all`: the original design's training processes, stored in SQLite. */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { resolveBackbone } from '../engine/backbones/registry.js';
import { describePreset, isPresetId, PRESET_IDS, PRESETS, type PresetId, type RunOverrides } from '../engine/train/presets.js';
import type { TrainingOutcome, TrainingProgress } from '../engine/train/progress.js';
import { openDatabase } from '../store/index.js';
import { formatDuration, percent, jsonText } from '../base/format.js';
import { openTrainingService } from '../wiring.js';
import { intOption, parse, usageError, UsageError } from './args.js';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function choice<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got "${value}"`);
}

function marginOption(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n < 1)) throw new UsageError(`--margin must be a number from 0 to below 1, got "${value}"`);
  return n;
}

export function progressLine(p: TrainingProgress): string {
  switch (p.phase) {
    case 'extract':
      return `run #${p.runId}: features (${p.step}) ${p.done}/${p.total}${Number.isFinite(p.etaSeconds) ? `  ETA ${formatDuration(p.etaSeconds)}` : ''}`;
    case 'fit':
      return `run #${p.runId}: ${p.step === 'whitening' ? `whitening ${p.done + 1}/${p.total}` : 'refit on train + val'}`;
    case 'train':
      return (
        `run #${p.runId}: epoch ${p.epoch}/${p.epochs}  train ${p.trainLoss.toFixed(4)}  val ${p.valLoss.toFixed(4)}  ` +
        `val acc ${percent(p.valAccuracy)}  best ${p.bestEpoch}${p.samplePairing ? '  [pairing]' : ''}  ETA ${formatDuration(p.etaSeconds)}`
      );
    default:
      return `run #${p.runId}: ${p.phase}`;
  }
}

/** Promoted or not, always with the rule's reason; a run that was not can still be chosen by hand. */
export function promotionLine(o: TrainingOutcome): string {
  const reason = o.promotion ?? 'no reason given';
  return o.promoted ? `now the active model: ${reason}` : `not promoted: ${reason}; use it anyway with \`celeb model use ${o.runId}\``;
}

export function outcomeLine(o: TrainingOutcome): string {
  if (o.status !== 'done') return `run #${o.runId} ${o.status}${o.error ? `: ${o.error}` : ''}`;
  const cache = !o.features
    ? ''
    : o.features.computed === 0
      ? `; no backbone pass: all ${o.features.cached} features came from the cache`
      : `; features: ${o.features.computed} computed, ${o.features.cached} cached, in ${formatDuration(o.features.seconds)}`;
  return (
    `run #${o.runId} (preset ${o.preset}) done in ${formatDuration(o.seconds)}: test top-1 ${percent(o.testAccuracy!)}, top-3 ${percent(o.top3Accuracy!)}, ` +
    `best epoch ${o.bestEpoch}, val loss ${o.valLoss!.toFixed(4)}${cache}\n  ${promotionLine(o)}`
  );
}

export async function trainCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values } = parse(
    argv,
    {
      run: { type: 'string' },
      all: { type: 'boolean' },
      epochs: { type: 'string' },
      head: { type: 'string' },
      loss: { type: 'string' },
      'sample-pairing': { type: 'boolean' },
      'no-sample-pairing': { type: 'boolean' },
      backbone: { type: 'string' },
      lr: { type: 'string' },
      seed: { type: 'string' },
      views: { type: 'string' },
      degrade: { type: 'string' },
      init: { type: 'string' },
      margin: { type: 'string' },
      whitening: { type: 'boolean' },
      data: { type: 'string' },
      crop: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'train',
  );
  const run = values.run === undefined ? undefined : Number(values.run);
  if ((run === undefined) === !values.all)
    throw usageError('train', `Give --run <1-6> or --all. The presets:\n${PRESET_IDS.map((id) => `  ${id}: ${describePreset(PRESETS[id])}`).join('\n')}`);
  if (run !== undefined && !isPresetId(run)) throw new UsageError(`--run takes a preset number 1 to 6, got "${values.run}"`);
  if (values.backbone) resolveBackbone(values.backbone);
  const overrides: RunOverrides = {
    epochs: values.epochs === undefined ? undefined : intOption(values.epochs, 'epochs', 1, 1),
    head: choice(values.head, 'head', ['fc1', 'fc2'] as const),
    loss: choice(values.loss, 'loss', ['nll', 'focal'] as const),
    samplePairing: values['sample-pairing'] ? true : values['no-sample-pairing'] ? false : undefined,
    backbone: values.backbone,
    learningRate: numberOption(values.lr, 'lr'),
    seed: values.seed === undefined ? undefined : intOption(values.seed, 'seed', 0),
    data: values.data ? path.resolve(values.data) : undefined,
    assumeCrop: values.crop,
    init: choice(values.init, 'init', ['random', 'prototypes'] as const),
    margin: values.margin === undefined ? undefined : marginOption(values.margin),
    whitening: values.whitening ? true : undefined,
    augment: {
      ...(values.views === undefined ? {} : { views: intOption(values.views, 'views', 0, 0) }),
      ...(values.degrade === undefined ? {} : { degrade: intOption(values.degrade, 'degrade', 0, 0) }),
    },
  };
  const presets: PresetId[] = values.all ? [...PRESET_IDS] : [run as PresetId];
  const db = openDatabase(config.dbPath);
  const service = openTrainingService(config, db);
  const tty = process.stderr.isTTY;
  let lastLine = 0;
  service.onProgress((p) => {
    const now = Date.now();
    const finalEpoch = p.phase === 'train' && p.epoch === p.epochs;
    if (!finalEpoch && now - lastLine < (tty ? 200 : 5000)) return;
    lastLine = now;
    process.stderr.write(tty ? `\r\x1b[K${progressLine(p)}` : `${progressLine(p)}\n`);
  });
  let cancelled = false;
  const onSigint = () => {
    cancelled = true;
    process.stderr.write('\nStopping after the current batch (Ctrl-C again to quit at once)...\n');
    service.cancel();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onSigint);
  let failures = 0;
  try {
    for (const preset of presets) {
      if (cancelled) break;
      const started = service.start(preset, overrides);
      if (!values.json) console.log(`started run #${started.runId} (preset ${preset}: ${describePreset(started.config)})`);
      const outcome = (await service.wait())!;
      if (tty) process.stderr.write('\r\x1b[K');
      if (outcome.status !== 'done') failures++;
      if (values.json) {
        console.log(
          jsonText({
            runId: outcome.runId,
            preset: outcome.preset,
            status: outcome.status,
            testAccuracy: outcome.testAccuracy ?? null,
            top3Accuracy: outcome.top3Accuracy ?? null,
            bestEpoch: outcome.bestEpoch ?? null,
            valLoss: outcome.valLoss ?? null,
            backend: outcome.backend,
            seconds: outcome.seconds,
            promoted: outcome.promoted ?? false,
            promotion: outcome.promotion ?? null,
            features: outcome.features ?? null,
            ...(outcome.error ? { error: outcome.error } : {}),
          }),
        );
      } else {
        console.log(outcomeLine(outcome));
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    db.close();
  }
  return cancelled ? 130 : failures > 0 ? 1 : 0;
}
