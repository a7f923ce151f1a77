/**
 * The platform registry: everything that differs between chat platforms and is not the
 * adapter's code, once per platform. Config reads the variable names and token shapes from
 * here, the logger the token shapes, the texts the command syntax and names, the adapters
 * their limits. This module imports nothing, so config, core and adapters can all depend on
 * it without a cycle. Adding a platform starts here (see src/bots/README.md).
 */

/** How a user types each action on a platform (help, usage and refusal texts). */
export interface Syntax {
  /** How to send a photo, as the end of "Send me a photo with a face: ...". */
  photo: string;
  train: string;
  cancel: string;
  leaderboard: string;
  /** Which model answers photos. */
  model: string;
  /** Choosing the model: followed by a run id or `default`. */
  modelUse: string;
  /** Checking whether the model knows someone, with `<name>` where the name goes. */
  who: string;
  help: string;
}

/** Telegram-style flood limits for sending; null where the platform's client paces itself. */
export interface SendPace {
  /** Messages per second in one private chat (short bursts of `burst` are fine). */
  perChatPerSecond: number;
  /** Messages per minute in one group. */
  perGroupPerMinute: number;
  /** Messages per second over all chats. */
  overallPerSecond: number;
  /** Messages a chat may get at once before the pace applies. */
  burst: number;
}

export interface PlatformSpec {
  /** Stable id: the key in configs, logs and admin lists. */
  readonly id: string;
  /** As people write it, for texts and messages. */
  readonly label: string;
  /** Environment variables (config.ts reads them; texts name them). */
  readonly env: { readonly token: string; readonly admins: string; readonly apiRoot: string };
  /** The official API's host, named when it cannot be reached. */
  readonly apiHost: string;
  /** A valid token matches this (checked at start-up without echoing the token). */
  readonly tokenPattern: RegExp;
  /** Where to get a token, for the error message of a malformed one. */
  readonly tokenHint: string;
  /**
   * Shapes of this platform's tokens (and of URLs that embed them) for scrubbing logs, global
   * regexes. A match starting with `/bot` is replaced as `/bot[redacted]/`, anything else as `[redacted]`.
   */
  readonly tokenShapes: readonly RegExp[];
  readonly syntax: Syntax;
  readonly limits: {
    /** Longest message text. */
    readonly text: number;
    /** Longest picture caption. */
    readonly caption: number;
    /** Largest file a bot may download from the official API; null when the platform has no such limit. */
    readonly download: number | null;
  };
  readonly pace: SendPace | null;
}

const MB = 1024 * 1024;

export const PLATFORMS = {
  discord: {
    id: 'discord',
    label: 'Discord',
    env: { token: 'DISCORD_TOKEN', admins: 'DISCORD_ADMIN_IDS', apiRoot: 'DISCORD_API_ROOT' },
    apiHost: 'discord.com',
    tokenPattern: /^[\w-]+\.[\w-]+\.[\w-]+$/,
    tokenHint: 'Developer Portal > your app > Bot > Reset Token',
    tokenShapes: [/\b[\w-]{23,}\.[\w-]{6,}\.[\w-]{27,}\b/g],
    syntax: {
      photo: 'attach it in a DM to me, attach it to a message that mentions me, or use /lookalike image:<photo>',
      train: '/train run:<1-6>',
      cancel: '/train-cancel',
      leaderboard: '/leaderboard',
      model: '/model',
      modelUse: '/model use:',
      who: '/who name:<name>',
      help: '/help',
    },
    limits: { text: 2000, caption: 2000, download: null },
    // discord.js queues requests per route from Discord's rate-limit headers itself.
    pace: null,
  },
  telegram: {
    id: 'telegram',
    label: 'Telegram',
    env: { token: 'TELEGRAM_TOKEN', admins: 'TELEGRAM_ADMIN_IDS', apiRoot: 'TELEGRAM_API_ROOT' },
    apiHost: 'api.telegram.org',
    tokenPattern: /^\d+:[\w-]+$/,
    tokenHint: 'the "123456:ABC..." string @BotFather gave you',
    tokenShapes: [/\b\d{5,}:[\w-]{30,}\b/g, /\/bot\d+:[^/\s]+\//g],
    syntax: {
      photo: 'send it here (in a group: with @ and my name, or /lookalike, in the caption)',
      train: '/train <1-6>',
      cancel: '/train cancel',
      leaderboard: '/leaderboard',
      model: '/model',
      modelUse: '/model use ',
      who: '/who <name>',
      help: '/help',
    },
    limits: { text: 4096, caption: 1024, download: 20 * MB },
    // https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
    pace: { perChatPerSecond: 1, perGroupPerMinute: 20, overallPerSecond: 30, burst: 3 },
  },
} as const satisfies Record<string, PlatformSpec>;

export type Platform = keyof typeof PLATFORMS;

export const PLATFORM_IDS = Object.keys(PLATFORMS) as Platform[];

/** Every platform's token shapes, for the log scrubber. */
export const TOKEN_SHAPES: readonly RegExp[] = PLATFORM_IDS.flatMap((id) => PLATFORMS[id].tokenShapes);
