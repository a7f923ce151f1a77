/**
 * The platform registry: everything that differs between chat platforms and is not the
 * adapter's code, once per platform. What configuration needs (variable names, token pattern)
 * are the facts of src/base/platforms.ts, spread into each entry here; this adds what only the
 * bots use: the logger's token shapes, the texts' command syntax and names, the adapters' limits.
 * It imports only those facts, so core and adapters can all depend on it without a cycle.
 * Adding a platform starts in src/base/platforms.ts, then here (see src/bots/README.md).
 */
import { PLATFORM_FACTS, PLATFORM_IDS, type Platform, type PlatformFacts } from '../base/platforms.js';

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

/** A platform's facts (id, variables, token pattern) and what the bots add to them. */
export interface PlatformSpec extends PlatformFacts {
  /** As people write it, for texts and messages. */
  readonly label: string;
  /** The official API's host, named when it cannot be reached. */
  readonly apiHost: string;
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
    ...PLATFORM_FACTS.discord,
    label: 'Discord',
    apiHost: 'discord.com',
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
    ...PLATFORM_FACTS.telegram,
    label: 'Telegram',
    apiHost: 'api.telegram.org',
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
} as const satisfies Record<Platform, PlatformSpec>;

/** Every platform's token shapes, for the log scrubber. */
export const TOKEN_SHAPES: readonly RegExp[] = PLATFORM_IDS.flatMap((id) => PLATFORMS[id].tokenShapes);
