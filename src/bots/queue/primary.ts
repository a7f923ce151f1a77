/**
 * The primary's duties with a queue: it owns the SQLite store and the training service, runs
 * every front end's admin commands (AdminServer) and publishes the active model whenever it
 * changes (a promoted run, /model use), so workers and front ends switch without a restart.
 */
import path from 'node:path';
import type { QueueConfig } from '../../config.js';
import { activeModelDir } from '../../engine/train/promotion.js';
import type { Database } from '../../store/index.js';
import type { Logger } from '../log.js';
import type { ModelSwitcher } from '../core/active-model.js';
import type { AdminDesk } from '../core/admin.js';
import { AdminServer } from './admin-server.js';
import { ModelPublisher } from './model-channel.js';
import { queueKeys } from './protocol.js';
import type { Redis } from './redis.js';

/** The primary's ModelSwitcher: the active model is whatever the store says, published to everybody. */
export function publishingSwitcher(db: Database, modelDir: string, publisher: ModelPublisher, log: Logger): ModelSwitcher {
  return {
    async refresh() {
      const dir = path.resolve(activeModelDir(db, modelDir));
      if (publisher.current?.dir === dir) return;
      try {
        await publisher.publish(dir);
      } catch (error) {
        log.error('model.publish_failed', error, { dir });
      }
    },
  };
}

export interface PrimaryOptions {
  config: QueueConfig;
  client: Redis;
  db: Database;
  modelDir: string;
  /** The admin desk over the store, given the switcher that publishes model changes. */
  makeDesk: (models: ModelSwitcher) => AdminDesk;
  log: Logger;
}

export class Primary {
  private constructor(
    private readonly publisher: ModelPublisher,
    private readonly server: AdminServer,
  ) {}

  /** Publishes the store's active model, then takes admin commands. */
  static async start(options: PrimaryOptions): Promise<Primary> {
    const { config, client, db, modelDir, log } = options;
    const publisher = new ModelPublisher(client, queueKeys(config.prefix), log);
    const models = publishingSwitcher(db, modelDir, publisher, log);
    await models.refresh();
    try {
      return new Primary(publisher, await AdminServer.start({ config, client, desk: options.makeDesk(models), log }));
    } catch (error) {
      publisher.stop();
      throw error;
    }
  }

  /** Shutdown, first step: no new admin commands; the one in hand finishes. */
  stopTaking(): Promise<void> {
    return this.server.stopTaking();
  }

  /** Shutdown, after the training service stopped: its last reports are sent (at most `timeoutMs`). */
  async settle(timeoutMs: number): Promise<void> {
    await this.server.settle(timeoutMs);
    this.publisher.stop();
  }
}
