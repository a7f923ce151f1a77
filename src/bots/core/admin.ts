/**
 * /train, /model and /leaderboard: the commands that need the SQLite store and the training
 * service. In one process they run here (`storeDesk`); with a queue, front ends forward them to
 * the one primary that owns the store (src/bots/queue/admin-client.ts), which runs this same desk.
 * Who may use them (admins, the rate limit) is decided before, by the core's guards.
 */
import type { RunOverrides } from '../../engine/train/presets.js';
import type { Database } from '../../store/index.js';
import type { Logger } from '../log.js';
import type { ModelSwitcher } from './active-model.js';
import { showLeaderboard } from './leaderboard.js';
import type { ContextOf } from './middleware.js';
import { chooseModel } from './model.js';
import type { Trainer } from './run-report.js';
import { train } from './train.js';
import type { Middleware } from './types.js';

export interface AdminRoutes {
  train: Middleware<ContextOf<'train'>>;
  model: Middleware<ContextOf<'model'>>;
  leaderboard: Middleware<ContextOf<'leaderboard'>>;
}

/** Builds the routes; `track` keeps work that goes on after the answer (a run's reports) for a graceful shutdown. */
export type AdminDesk = (track: (task: Promise<void>) => void) => AdminRoutes;

export interface StoreDeskOptions {
  training: Trainer;
  db: Database;
  models: ModelSwitcher;
  /** How many people the model answering photos knows (/model show). */
  people: () => number;
  progressIntervalMs: number;
  /** Applied to every /train preset. Default none. */
  trainingOverrides?: RunOverrides;
  log: Logger;
}

/** The commands run against the store in this process. */
export function storeDesk(options: StoreDeskOptions): AdminDesk {
  const { training, db, models, log } = options;
  return (track) => ({
    train: train({ training, db, models, progressIntervalMs: options.progressIntervalMs, overrides: options.trainingOverrides ?? {}, log, track }),
    model: chooseModel({ db, models, people: options.people, log }),
    leaderboard: showLeaderboard(db),
  });
}
