/**
 * Registers the slash commands with Discord: to one server (DISCORD_GUILD_ID; shows up at
 * once, for development) or globally (may take a while to appear everywhere). Registering
 * replaces the whole list, so running it again is safe.
 */
import { REST, Routes, type APIApplication, type APIApplicationCommand } from 'discord.js';
import type { PlatformConfig } from '../../config.js';
import { commandData } from './commands.js';

export interface Registration {
  applicationId: string;
  /** `global` or `guild <id>`. */
  scope: string;
  names: string[];
}

export async function registerCommands(config: PlatformConfig & { guildId: string | null }): Promise<Registration> {
  const rest = new REST(config.apiRoot ? { api: config.apiRoot } : {}).setToken(config.token);
  const app = (await rest.get(Routes.currentApplication())) as APIApplication;
  const route = config.guildId ? Routes.applicationGuildCommands(app.id, config.guildId) : Routes.applicationCommands(app.id);
  const registered = (await rest.put(route, { body: commandData() })) as APIApplicationCommand[];
  return { applicationId: app.id, scope: config.guildId ? `guild ${config.guildId}` : 'global', names: registered.map((c) => c.name) };
}
