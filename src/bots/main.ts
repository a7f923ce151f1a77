/**
 * `npm start`: reads the configuration (environment, then `.env` underneath), starts every
 * bot whose token is set, and shuts down gracefully on SIGINT/SIGTERM. Exit codes: 0 after
 * a clean stop, 78 for configuration problems (no token, bad value), 1 when start-up fails.
 */
import os from 'node:os';
import { botSecrets, loadBotConfig, loadConfig, loadQueueConfig, logLevel, queueSecrets, withDotEnv } from '../config.js';
import { isCelebError } from '../base/errors.js';
import { BotStartError, startApp } from './app.js';
import { createLogger, scrub } from './log.js';

const EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h

async function main(): Promise<number> {
  const env = withDotEnv(process.env);
  const secrets = [...botSecrets(env), ...queueSecrets(env)];
  const log = createLogger({ secrets, level: logLevel(env) });
  let app;
  try {
    const config = loadConfig(env, os.availableParallelism());
    app = await startApp({ config, bots: loadBotConfig(env, config.workers), queue: loadQueueConfig(env), log });
  } catch (error) {
    if (isCelebError(error) && error.code === 'config') {
      // ConfigError, NoBotConfiguredError
      console.error(error.message); // a person has to act on this: plain words, no JSON, no stack
      return EXIT_CONFIG;
    }
    if (error instanceof BotStartError) {
      // Expected (network, token): one line for the person, one log line, no stack trace.
      const message = scrub(error.message, secrets);
      log.error('start.failed', message, { platform: error.platform, cause: error.kind });
      console.error(message);
    } else {
      log.error('start.failed', error);
    }
    return 1;
  }
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.once(signal, () => {
        log.warn('shutdown.forced', { signal });
        process.exit(130);
      });
      app.stop(signal).then(resolve, (error: unknown) => {
        log.error('shutdown.failed', error);
        resolve();
      });
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  return 0;
}

process.exitCode = await main();
// Everything is closed; if a library still holds the event loop open, do not hang forever.
setTimeout(() => process.exit(), 5000).unref();
