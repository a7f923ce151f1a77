/**
 * After a run is promoted, the engine must answer photos with the new model. This switches
 * the running engine (same worker pool) to whatever the database says is active.
 */
import path from 'node:path';
import { activeModelDir } from '../../engine/train/promotion.js';
import type { Database } from '../../store/index.js';
import type { Logger } from '../log.js';

export interface SwitchableEngine {
  readonly model: { readonly dir: string; readonly name: string };
  useModel(dir: string): Promise<void>;
}

export interface ModelSwitcher {
  /** Makes the engine use the active model; resolves once photos are answered by it. Never rejects. */
  refresh(): Promise<void>;
}

export function modelSwitcher(engine: SwitchableEngine, db: Database, modelDir: string, log: Logger): ModelSwitcher {
  return {
    async refresh() {
      const dir = path.resolve(activeModelDir(db, modelDir));
      if (dir === engine.model.dir) return;
      try {
        await engine.useModel(dir);
        log.info('model.switched', { model: engine.model.name });
      } catch (error) {
        log.error('model.switch_failed', error, { dir });
      }
    },
  };
}
