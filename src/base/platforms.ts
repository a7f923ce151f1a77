/**
 * The chat platforms as configuration sees them: the names of their environment variables and
 * the shape of a valid token. A bottom-layer module (it imports nothing), so config validates a
 * platform's settings without loading any bot code; the bots' registry (src/bots/platforms.ts)
 * adds everything else about a platform on top of these facts. Adding a platform starts here.
 */

export interface PlatformFacts {
  /** Stable id: the key in configs, logs and admin lists. */
  readonly id: string;
  /** Environment variables (config reads them; texts name them). */
  readonly env: { readonly token: string; readonly admins: string; readonly apiRoot: string };
  /** A valid token matches this (checked at start-up without echoing the token). */
  readonly tokenPattern: RegExp;
  /** Where to get a token, for the error message of a malformed one. */
  readonly tokenHint: string;
}

export const PLATFORM_FACTS = {
  discord: {
    id: 'discord',
    env: { token: 'DISCORD_TOKEN', admins: 'DISCORD_ADMIN_IDS', apiRoot: 'DISCORD_API_ROOT' },
    tokenPattern: /^[\w-]+\.[\w-]+\.[\w-]+$/,
    tokenHint: 'Developer Portal > your app > Bot > Reset Token',
  },
  telegram: {
    id: 'telegram',
    env: { token: 'TELEGRAM_TOKEN', admins: 'TELEGRAM_ADMIN_IDS', apiRoot: 'TELEGRAM_API_ROOT' },
    tokenPattern: /^\d+:[\w-]+$/,
    tokenHint: 'the "123456:ABC..." string @BotFather gave you',
  },
} as const satisfies Record<string, PlatformFacts>;

export type Platform = keyof typeof PLATFORM_FACTS;

export const PLATFORM_IDS = Object.keys(PLATFORM_FACTS) as Platform[];
