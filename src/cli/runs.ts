/** `celeb leaderboard`, `celeb runs [show <id>]` and `celeb model use|show`: reading the training history. */
import { shippedModelDir } from '../engine/package-paths.js';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { copyModelDir } from '../engine/model/model-dir.js';
import { leaderboardPng, lossCurvePng } from '../report/figures.js';
import { formatLeaderboard, formatTable } from '../report/table.js';
import { activeModelDir } from '../engine/train/promotion.js';
import {
  getActiveModel,
  getResult,
  getRun,
  leaderboard,
  listRuns,
  openDatabase,
  pinActiveModel,
  resetActiveModel,
  RunNotFoundError,
  StoreValidationError,
  type Database,
  type RunWithEpochs,
} from '../store/index.js';
import { parse, usageError } from './args.js';
import { formatDuration, percent, jsonText } from '../base/format.js';

/** A run id from the command line: a whole number from 1, or a usage error naming the command. */
function runIdArgument(value: string | undefined, command: 'runs' | 'model'): number {
  if (value === undefined) throw usageError(command, 'Give a run number.');
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw usageError(command, `A run number is a whole number from 1, got "${value}".`);
  return id;
}

/** The run, or the same not-found error (and exit status) whichever command asked. */
function existingRun(db: Database, id: number): RunWithEpochs {
  const run = getRun(db, id);
  if (!run) throw new RunNotFoundError(id);
  return run;
}

export async function leaderboardCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, png: { type: 'string' } }, 'leaderboard');
  const db = openDatabase(config.dbPath);
  try {
    const rows = leaderboard(db);
    if (values.png) await writeFile(values.png, await leaderboardPng(rows));
    if (values.json) console.log(jsonText(rows, 2));
    else console.log(formatLeaderboard(rows));
    if (values.png && !values.json) console.log(`chart written to ${values.png}`);
    return 0;
  } finally {
    db.close();
  }
}

export async function runsCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, png: { type: 'string' } }, 'runs');
  const db = openDatabase(config.dbPath);
  try {
    if (positionals[0] === 'show') {
      const id = runIdArgument(positionals[1], 'runs');
      const run = existingRun(db, id);
      const result = getResult(db, id);
      if (values.png) await writeFile(values.png, await lossCurvePng(run));
      if (values.json) {
        console.log(jsonText({ ...run, result }, 2));
        return 0;
      }
      console.log(
        `run #${run.id}: preset ${run.preset ?? '-'}, ${run.head}, ${run.loss}, sample pairing ${run.samplePairing ? 'on' : 'off'}, ${run.epochs} epochs, ${run.backbone} on ${run.backend}`,
      );
      console.log(`  status ${run.status}${run.error ? ` (${run.error})` : ''}, ${formatDuration(run.seconds)}, best epoch ${run.bestEpoch ?? '-'}`);
      if (result)
        console.log(
          `  test top-1 ${percent(result.testTop1)}, top-3 ${percent(result.testTop3)}, ECE ${percent(result.eceBefore ?? NaN)} -> ${percent(result.eceAfter ?? NaN)}`,
        );
      if (values.png) console.log(`loss curve written to ${values.png}`);
      return 0;
    }
    if (positionals.length > 0) throw usageError('runs', `Unknown subcommand "${positionals[0]}".`);
    const runs = listRuns(db);
    if (values.json) console.log(jsonText(runs, 2));
    else
      console.log(
        runs.length === 0
          ? 'No training runs yet.'
          : formatTable(
              ['run', 'preset', 'head', 'loss', 'status', 'time', 'created'],
              runs.map((r) => [`#${r.id}`, String(r.preset ?? '-'), r.head, r.loss, r.status, formatDuration(r.seconds), r.createdAt.slice(0, 19)]),
            ),
      );
    return 0;
  } finally {
    db.close();
  }
}

export async function modelCommand(argv: string[], config: AppConfig): Promise<number> {
  const { positionals } = parse(argv, {}, 'model');
  const db = openDatabase(config.dbPath);
  try {
    if (positionals[0] === 'use' && positionals[1] === 'default') {
      resetActiveModel(db);
      console.log(`The shipped default model (${shippedModelDir(config.modelDir)}) answers photos again.`);
    } else if (positionals[0] === 'use') {
      const active = pinActiveModel(db, runIdArgument(positionals[1], 'model'));
      console.log(
        `Run #${active.runId}'s model is now active and pinned (${active.modelPath}); later runs will not replace it until \`celeb model use default\`.`,
      );
    } else if (positionals[0] === 'export') {
      const id = runIdArgument(positionals[1], 'model');
      const run = existingRun(db, id);
      if (!run.modelPath || run.status !== 'done') throw new StoreValidationError(`Run #${id} is ${run.status}; only a finished run's model can be exported.`);
      if (!positionals[2]) throw usageError('model', 'Give the directory to export to.');
      const target = path.resolve(positionals[2]);
      const manifest = await copyModelDir(run.modelPath, target);
      console.log(
        `Run #${id}'s model (${manifest.head.kind} on ${manifest.backbone}, ${manifest.labels.length} people) copied to ${path.relative(process.cwd(), target)}.`,
      );
    } else if (positionals[0] === 'show' || positionals.length === 0) {
      const active = getActiveModel(db);
      const dir = activeModelDir(db, config.modelDir);
      console.log(
        active
          ? `active: run #${active.runId} (${dir}), test top-1 ${active.testAccuracy === null ? '-' : percent(active.testAccuracy)}${active.pinned ? ', pinned' : ''}`
          : `active: the shipped default model (${dir})`,
      );
    } else {
      throw usageError('model', `Unknown subcommand "${positionals[0]}".`);
    }
    return 0;
  } finally {
    db.close();
  }
}
