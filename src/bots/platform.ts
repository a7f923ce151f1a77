/** What main.ts needs from a chat platform adapter: start, stop listening, disconnect. */
import type { Platform } from '../base/platforms.js';

export interface PlatformBot {
  readonly platform: Platform;
  /** Connects and starts receiving; resolves once it listens, rejects (with a clear message) when the platform refuses. */
  start(): Promise<void>;
  /** Stops taking new events; answers already being made still go out. */
  stopReceiving(): Promise<void>;
  /** Disconnects; after this nothing is sent. */
  close(): Promise<void>;
  /** Whether it is connected to the platform now, and a one-line detail (for /healthz). */
  connection(): { connected: boolean; detail: string };
}
