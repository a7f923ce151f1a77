/** `npm run discord:register`: registers the slash commands (globally, or to DISCORD_GUILD_ID). */
import { ConfigError, loadBotConfig, withDotEnv } from '../config.js';
import { registerCommands } from './discord/register.js';
import { scrub } from './log.js';
import { PLATFORMS } from './platforms.js';

const { env } = PLATFORMS.discord;

async function main(): Promise<number> {
  let config;
  try {
    config = loadBotConfig(withDotEnv());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    return 78;
  }
  if (!config.discord) {
    console.error(
      `Set ${env.token} (in the environment or in .env) to register the Discord commands; add DISCORD_GUILD_ID to register them to one server only.`,
    );
    return 78;
  }
  try {
    const done = await registerCommands(config.discord);
    console.log(`Registered ${done.names.map((n) => `/${n}`).join(', ')} (${done.scope}) for application ${done.applicationId}.`);
    if (done.scope === 'global') console.log('Global commands can take a while to appear; set DISCORD_GUILD_ID to register to one server at once.');
    return 0;
  } catch (error) {
    console.error(`Could not register the commands: ${scrub(error instanceof Error ? error.message : String(error), [config.discord.token])}`);
    return 1;
  }
}

process.exitCode = await main();
