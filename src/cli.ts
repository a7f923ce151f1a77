#!/usr/bin/env node
/** The `celeb` command line: a thin layer over the engine and the store. */
import os from 'node:os';
import { loadConfig, loadQueueConfig, queueSecrets, type AppConfig } from './config.js';
import { UsageError } from './cli/args.js';
import { dataFetchCommand } from './cli/data-fetch.js';
import { dataImportCommand } from './cli/data-import.js';
import { evalCommand } from './cli/eval.js';
import { galleryCommand } from './cli/gallery.js';
import { EXIT_BUG, EXIT_STATUS } from './cli/exit-codes.js';
import { indexCommand } from './cli/index-command.js';
import { infoCommand } from './cli/info.js';
import { whichCommand } from './cli/which.js';
import { trainCommand } from './cli/train.js';
import { workerCommand } from './cli/worker.js';
import { leaderboardCommand, modelCommand, runsCommand } from './cli/runs.js';
import { isCelebError } from './engine/errors.js';

const HELP = `celeb: which celebrity do you look like?

Commands:
  which <image...>          who each face looks like (--top N, --max-faces N, --crop, --model DIR, --json)
  data import <dir>         per-person folders -> data/face_data/{train,val,test} (--out, --split 70,15,15, --seed, --force)
  data fetch <id...|all>    download the gallery's public datasets, check them, lay out data/sources/<id>/<Person>/ (--list, --out, --force, --json)
  index                     build a centroid model from data/face_data and print its test accuracy (--backbone, --out)
  train --run <1-5> | --all the original design's five training processes (--epochs, --head, --loss, --sample-pairing, --lr, --seed, --json)
  leaderboard               accuracy table of all runs and recorded galleries, best first (--json, --png chart.png)
  runs [show <id>]          training runs; one run's details and loss curve (--png loss.png)
  model show | use <id|default> | export <id> <dir>   which model answers photos; pin a run's model; publish it
  info                      backend, model, versions (--json)
  gallery build <dir...>    a gallery model from folder-per-person trees: clean, merge, prototypes, thumbnails (--out, --backbone, --report)
  gallery eval <dir...>     rank-1/rank-5 on held-out photos among all people, strangers' answers, similarity scale
  gallery split <dir...>    the gallery's train/val/test split laid out for training (--out data/face_data, --force)
  gallery info | search <name>   who the answering gallery holds (--model DIR)
  eval robustness <dir>     top-1 under dim, grey, small, blurred, rotated, mirrored photos (--strangers DIR, --per-person N, --no-fallbacks)
  worker                    answer the bots' photos from the queue (CELEB_QUEUE_URL) with this machine's engine (--concurrency N; --help)

Exit status: 0 ok, 2 a refused image, 64 usage, 65 bad data/model, 69 runtime unavailable, 74 I/O, 75 busy, 78 configuration.
Environment: CELEB_DATA_DIR, CELEB_MODEL_DIR, CELEB_DB, CELEB_BACKEND, CELEB_WORKERS, CELEB_MAX_IMAGE_MB, CELEB_MAX_MEGAPIXELS, CELEB_FETCH_BASE_URL, CELEB_QUEUE_URL`;

type Command = (argv: string[], config: AppConfig) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  which: whichCommand,
  train: trainCommand,
  leaderboard: leaderboardCommand,
  runs: runsCommand,
  model: modelCommand,
  index: indexCommand,
  info: infoCommand,
  eval: evalCommand,
  gallery: galleryCommand,
  worker: (argv, config) => workerCommand(argv, config, loadQueueConfig(process.env), queueSecrets(process.env)),
  data: (argv, config) => {
    if (argv[0] === 'import') return dataImportCommand(argv.slice(1), config);
    if (argv[0] === 'fetch') return dataFetchCommand(argv.slice(1), config);
    throw new UsageError('Usage: celeb data import <dir> [options] | celeb data fetch <source...|all> [options]');
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`Unknown command "${name}".\n\n${HELP}`);
  const config = loadConfig(process.env, os.availableParallelism());
  return command(rest, config);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Errors raised on purpose are one line and an exit status from the table; anything else is a bug.
    if (isCelebError(error)) {
      console.error(`celeb: ${error.message}`);
      process.exitCode = EXIT_STATUS[error.code];
    } else {
      console.error(`celeb: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exitCode = EXIT_BUG;
    }
  },
);
