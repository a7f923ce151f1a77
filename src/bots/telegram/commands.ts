/**
 * The Telegram command menus. Everyone's menu lists what everyone may use; each admin's private
 * chat gets the full menu (BotCommandScopeChat), so /train and /model are offered only to those
 * who may run them. The bot still checks TELEGRAM_ADMIN_IDS on every command.
 */
import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import { DESCRIPTIONS } from '../core/commands.js';
import type { Logger } from '../log.js';

export const TELEGRAM_COMMANDS: readonly BotCommand[] = [
  { command: 'start', description: DESCRIPTIONS.start },
  { command: 'help', description: DESCRIPTIONS.help },
  { command: 'lookalike', description: `${DESCRIPTIONS.lookalike} (as the caption of a photo)` },
  { command: 'who', description: `${DESCRIPTIONS.who}: /who Tom Hanks` },
  { command: 'leaderboard', description: DESCRIPTIONS.leaderboard },
  { command: 'train', description: `${DESCRIPTIONS.train}; /train cancel stops it` },
  { command: 'model', description: `${DESCRIPTIONS.model}: /model use <run|default>` },
];

/** Commands only admins may run: left out of everyone's menu. */
export const ADMIN_COMMANDS: ReadonlySet<string> = new Set(['train', 'model']);

export const PUBLIC_COMMANDS: readonly BotCommand[] = TELEGRAM_COMMANDS.filter((c) => !ADMIN_COMMANDS.has(c.command));

/**
 * Sets the default menu (also the first check of the token: a failure here stops the start),
 * then each admin's. An admin's menu fails with "chat not found" until that admin has written
 * to the bot once; that is logged and returned, and `/start` from the admin tries again.
 */
export async function publishMenus(telegram: Telegram, adminIds: readonly string[], log: Logger): Promise<string[]> {
  await telegram.setMyCommands([...PUBLIC_COMMANDS]);
  const missed: string[] = [];
  for (const admin of adminIds) if (!(await publishAdminMenu(telegram, admin, log))) missed.push(admin);
  return missed;
}

/** The full menu in one admin's private chat (its id is the admin's user id); false when Telegram refused. */
export async function publishAdminMenu(telegram: Telegram, admin: string, log: Logger): Promise<boolean> {
  try {
    await telegram.setMyCommands([...TELEGRAM_COMMANDS], { scope: { type: 'chat', chat_id: Number(admin) } });
    return true;
  } catch (error) {
    log.warn('telegram.admin_menu_failed', { admin, reason: error instanceof Error ? error.message : String(error) });
    return false;
  }
}
