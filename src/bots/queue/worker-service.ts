/**
 * A `celeb worker` process: this machine's engine (CELEB_WORKERS threads) taking photos from
 * the queue, following the model the primary publishes. Any number of them, on any machine
 * that reaches the Redis and the model directory.
 */
import { shippedModelDir } from '../../engine/package-paths.js';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig, QueueConfig } from '../../config.js';
import type { LookalikeEngine } from '../../engine/lookalike.js';
import { runtimeLabel } from '../../engine/runtime/runtime.js';
import { openEngineOrDefault } from '../services-local.js';
import type { Logger } from '../log.js';
import { Thumbnails } from '../core/thumbnails.js';
import { CONNECT_TIMEOUT_MS } from './front-end.js';
import { ModelFollower, readModelRecord } from './model-channel.js';
import { PhotoWorker } from './photo-worker.js';
import { queueKeys } from './protocol.js';
import { connect, disconnect, waitUntilConnected } from './redis.js';

export interface WorkerServiceOptions {
  config: AppConfig;
  queue: QueueConfig;
  log: Logger;
  /** Photos taken at once. Default: the engine's threads. */
  concurrency?: number;
  /** For fault tests: take photos and never answer them. */
  holdPhotos?: boolean;
}

export interface WorkerService {
  readonly engine: LookalikeEngine;
  readonly photos: PhotoWorker;
  /** Stops taking photos, finishes those in hand, closes the engine and the connections. */
  stop(): Promise<void>;
}

export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { config, queue, log } = options;
  const name = `${os.hostname()}-${process.pid}`;
  const keys = queueKeys(queue.prefix);
  const client = connect({ url: queue.url, name: `${queue.prefix}:worker:commands:${name}`, log });
  const subscriber = connect({ url: queue.url, name: `${queue.prefix}:worker:model:${name}`, log });
  const connections = [client, subscriber];
  let engine: LookalikeEngine | null = null;
  try {
    await waitUntilConnected(client, queue.url, CONNECT_TIMEOUT_MS);
    const record = await readModelRecord(client, keys);
    // The published model, else the one this machine's configuration names.
    const answering = (engine = await openEngineOrDefault(config, log, record?.dir));
    const follower = new ModelFollower(
      subscriber,
      client,
      keys,
      async (next) => {
        if (path.resolve(next.dir) === answering.model.dir) return;
        await answering.useModel(next.dir); // the engine switches between photos
        log.info('model.switched', { model: answering.model.name, version: next.version });
      },
      log,
      record,
    );
    await follower.start();
    const photos = new PhotoWorker({
      config: queue,
      client,
      engine: answering,
      thumbnails: new Thumbnails(shippedModelDir(config.modelDir)),
      maxImagePixels: config.maxImagePixels,
      concurrency: options.concurrency ?? answering.workers,
      name,
      log,
      holdPhotos: options.holdPhotos,
    });
    await photos.ready();
    log.info('worker.ready', {
      name,
      model: answering.model.name,
      threads: answering.workers,
      concurrency: options.concurrency ?? answering.workers,
      backend: runtimeLabel(answering.runtime),
    });
    return {
      engine: answering,
      photos,
      async stop() {
        await photos.close();
        follower.stop();
        await answering.close();
        await Promise.all(connections.map(disconnect));
      },
    };
  } catch (error) {
    await engine?.close();
    await Promise.all(connections.map(disconnect));
    throw error;
  }
}
