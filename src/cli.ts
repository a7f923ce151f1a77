#!/usr/bin/env node
/** The `celeb` command line: a thin layer over the engine and the store. */
import { createRequire } from 'node:module';
import os from 'node:os';
import type { AppConfig } from './config.js';
import { UsageError } from './cli/args.js';
import { EXIT_BUG, EXIT_STATUS } from './cli/exit-codes.js';
import { helpFor } from './cli/help.js';
import { isCelebError } from './base/errors.js';

const OVERVIEW = `celeb: which celebrity do you look like?

Usage: celeb <command> [options]     celeb <command> --help explains one

Commands:
  which <image...>          who each face looks like (--top N, --max-faces N, --crop, --model DIR, --json)
  data import <dir>         per-person folders -> <data dir>/face_data/{train,val,test} (--out, --split 70,15,15, --seed, --force)
  data fetch <id...|all>    download the gallery's public datasets, check them, lay out <data dir>/sources/<id>/<Person>/ (--list, --out, --force, --json)
  index                     build a centroid model from <data dir>/face_data and print its test accuracy (--backbone, --out)
  train --run <1-6> | --all the six training presets (--epochs, --head, --loss, --sample-pairing, --lr, --seed, --json)
  leaderboard               accuracy table of all runs and recorded galleries, best first (--json, --png chart.png)
  runs [show <id>]          training runs; one run's details and loss curve (--png loss.png)
  model show | use <id|default> | export <id> <dir>   which model answers photos; pin a run's model; publish it
  info                      backend, model, versions, where each thing lives (--json)
  db backup <file>          a consistent copy of the database, safe while the bot runs (--json)
  health                    is the running bot healthy? asks its /healthz on CELEB_HTTP_PORT; exit 0 yes, 1 no (--timeout, --json)
  gallery build <dir...>    a gallery model from folder-per-person trees: clean, merge, prototypes, thumbnails (--out, --backbone, --report)
  gallery eval <dir...>     rank-1/rank-5 on held-out photos among all people, strangers' answers, similarity scale
  gallery split <dir...>    the gallery's train/val/test split laid out for training (--out <data dir>/face_data, --force)
  gallery info | search <name>   who the answering gallery holds (--model DIR)
  gallery names [dir...]    display names against VGGFace2's and LFW's name lists: spellings the reviewed table has not decided (--model, --references, --all)
  backbone calibrate <dir...>  an int8 backbone's activation ranges from real faces (--faces N, --out FILE)
  eval robustness <dir>     top-1 under dim, grey, small, blurred, rotated, mirrored photos (--strangers DIR, --per-person N, --no-fallbacks)
  worker                    answer the bots' photos from the queue (CELEB_QUEUE_URL) with this machine's engine (--concurrency N; --help)

Options: --help, -h (also after any command), --version
Exit status: 0 ok, 2 a refused image, 64 usage, 65 bad data/model, 69 runtime unavailable, 74 I/O, 75 busy, 78 configuration.
Environment: CELEB_DATA_DIR, CELEB_MODEL_DIR, CELEB_DB, CELEB_CACHE_DIR, CELEB_BACKEND, CELEB_WORKERS, CELEB_MAX_IMAGE_MB, CELEB_MAX_MEGAPIXELS, CELEB_FETCH_BASE_URL, CELEB_HTTP_PORT, CELEB_HTTP_HOST, CELEB_QUEUE_URL`;

type Command = (argv: string[], config: AppConfig) => Promise<number>;

/**
 * Loaded on use: `--help`, `--version` and a usage error never load the engine, and a light
 * command (`health`, run by a container's health check every 30 s) loads only what it needs.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  which: async () => (await import('./cli/which.js')).whichCommand,
  train: async () => (await import('./cli/train.js')).trainCommand,
  leaderboard: async () => (await import('./cli/runs.js')).leaderboardCommand,
  runs: async () => (await import('./cli/runs.js')).runsCommand,
  model: async () => (await import('./cli/runs.js')).modelCommand,
  index: async () => (await import('./cli/index-command.js')).indexCommand,
  info: async () => (await import('./cli/info.js')).infoCommand,
  health: async () => (await import('./cli/health.js')).healthCommand,
  db: async () => (await import('./cli/db.js')).dbCommand,
  eval: async () => (await import('./cli/eval.js')).evalCommand,
  gallery: async () => (await import('./cli/gallery.js')).galleryCommand,
  backbone: async () => (await import('./cli/backbone.js')).backboneCommand,
  worker: async () => {
    const [{ workerCommand }, { loadQueueConfig, queueSecrets }] = await Promise.all([import('./cli/worker.js'), import('./config.js')]);
    return (argv, config) => workerCommand(argv, config, loadQueueConfig(process.env), queueSecrets(process.env));
  },
  data: () =>
    Promise.resolve((argv, config) => {
      if (argv[0] === 'import') return import('./cli/data-import.js').then((m) => m.dataImportCommand(argv.slice(1), config));
      if (argv[0] === 'fetch') return import('./cli/data-fetch.js').then((m) => m.dataFetchCommand(argv.slice(1), config));
      throw new UsageError(helpFor(['data'])!);
    }),
};

/** `--help` or `-h` anywhere before a `--` (after which words are arguments, not options). */
const asksForHelp = (argv: readonly string[]): boolean => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

function packageVersion(): string {
  // The package refers to itself through its own "exports" (package.json is exported).
  return (createRequire(import.meta.url)('celeb-lookalike/package.json') as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    console.error(OVERVIEW);
    return EXIT_STATUS.usage;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(rest.length > 0 ? (helpFor(rest) ?? OVERVIEW) : OVERVIEW);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(packageVersion());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`Unknown command "${name}"; \`celeb --help\` lists them.`);
  if (asksForHelp(rest)) {
    console.log(helpFor([name, ...rest.filter((a) => !a.startsWith('-'))]) ?? OVERVIEW);
    return 0;
  }
  const [{ loadConfig }, command] = await Promise.all([import('./config.js'), load()]);
  return command(rest, loadConfig(process.env, os.availableParallelism()));
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
