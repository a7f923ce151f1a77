#!/usr/bin/env node
/** The `celeb` command line: a thin layer over the engine and the store. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { UsageError } from './cli/args.js';
import { dataImportCommand } from './cli/data-import.js';
import { indexCommand } from './cli/index-command.js';
import { infoCommand } from './cli/info.js';
import { whichCommand } from './cli/which.js';
import { trainCommand } from './cli/train.js';
import { leaderboardCommand, modelCommand, runsCommand } from './cli/runs.js';
import { PresetError } from './engine/train/presets.js';
import { activeModelDir } from './engine/train/promotion.js';
import { openDatabase, StoreError } from './store/index.js';
import { UnknownBackboneError } from './engine/backbones/registry.js';
import { DatasetError } from './engine/dataset/folders.js';
import { ModelFormatError } from './engine/model/manifest.js';

const HELP = `celeb: which celebrity do you look like?

Commands:
  which <image...>          who each face looks like (--top N, --max-faces N, --crop, --model DIR, --json)
  data import <dir>         per-person folders -> data/face_data/{train,val,test} (--out, --split 70,15,15, --seed, --force)
  index                     build a centroid model from data/face_data and print its test accuracy (--backbone, --out)
  train --run <1-5> | --all the original design's five training processes (--epochs, --head, --loss, --sample-pairing, --lr, --seed, --json)
  leaderboard               accuracy table of all runs, best first (--json, --png chart.png)
  runs [show <id>]          training runs; one run's details and loss curve (--png loss.png)
  model show | use <id|default> | export <id> <dir>   which model answers photos; pin a run's model; publish it
  info                      backend, model, versions (--json)

Environment: CELEB_DATA_DIR, CELEB_MODEL_DIR, CELEB_DB, CELEB_BACKEND, CELEB_WORKERS, CELEB_MAX_IMAGE_MB, CELEB_MAX_MEGAPIXELS`;

type Command = (argv: string[], config: AppConfig, defaultModelDir: string) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  which: whichCommand,
  train: trainCommand,
  leaderboard: leaderboardCommand,
  runs: runsCommand,
  model: modelCommand,
  index: indexCommand,
  info: infoCommand,
  data: (argv, config) => {
    if (argv[0] !== 'import') throw new UsageError('Usage: celeb data import <dir> [options]');
    return dataImportCommand(argv.slice(1), config);
  },
};

/** The model that answers photos: the active training run's, else the shipped default. */
function activeModel(config: AppConfig): string {
  if (!existsSync(config.dbPath)) return path.join(config.modelDir, 'default');
  const db = openDatabase(config.dbPath);
  try {
    return activeModelDir(db, config.modelDir);
  } finally {
    db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`Unknown command "${name}".\n\n${HELP}`);
  const config = loadConfig(process.env, os.availableParallelism());
  return command(rest, config, activeModel(config));
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Mistakes in how the command was called exit 64 (EX_USAGE); problems the user can fix
    // (a dataset, a model directory, a backbone id) print their message; anything else is a bug.
    const usage = error instanceof UsageError || error instanceof ConfigError;
    const explained = error instanceof DatasetError || error instanceof ModelFormatError || error instanceof UnknownBackboneError
      || error instanceof PresetError || error instanceof StoreError;
    console.error(usage || explained ? `celeb: ${(error as Error).message}` : `celeb: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exitCode = usage ? 64 : 1;
  },
);
