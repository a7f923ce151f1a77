/**
 * What the bot core works with, opened once per process: in one process the engine, the
 * store and the training service (services-local.ts); with a queue, a front end's connection
 * and, on the primary, the store and the training service (services-queue.ts). app.ts starts
 * the platforms over either and shuts them down the same way.
 */
import type { LookalikeEngine } from '../engine/lookalike.js';
import type { TrainingService } from '../engine/train/training-service.js';
import type { Database } from '../store/index.js';
import type { AdminDesk } from './core/admin.js';
import type { Recognizer } from './core/recognize.js';
import type { Thumbnails } from './core/thumbnails.js';
import type { LogFields } from './log.js';
import type { FrontEnd } from './queue/front-end.js';

export interface Services {
  recognizer: Recognizer;
  admin: AdminDesk;
  /** Reference thumbnails for /who. */
  thumbnails: Thumbnails;
  /** The engine in this process; null with a queue (the workers have it). */
  engine: LookalikeEngine | null;
  /** The store and the training service; null on a queue front end that is not the primary. */
  training: TrainingService | null;
  db: Database | null;
  /** The queue connection; null in one process. */
  frontEnd: FrontEnd | null;
  /** Fields of the `app.ready` log line. */
  readiness(): LogFields;
  /** Shutdown, once the requests in flight are answered: stops training and admin work (a run is recorded as interrupted). */
  stopWork(): Promise<void>;
  /** Shutdown, last: engine, connections, store. */
  close(): Promise<void>;
}
