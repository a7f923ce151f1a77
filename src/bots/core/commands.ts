/**
 * The commands, once: their descriptions (Discord's command list, Telegram's setMyCommands),
 * how each platform spells them (for help and usage texts), and the parsing of Telegram's
 * free-text `/train` arguments.
 */
import { isPresetId } from '../../engine/train/presets.js';
import type { Platform, TrainAction } from './types.js';

export const DESCRIPTIONS = {
  lookalike: 'Find the celebrity you look most like',
  leaderboard: 'Accuracy of every training run, best first',
  train: 'Train a new model with preset 1-5 (admins only)',
  trainCancel: 'Stop the running training (admins only)',
  help: 'What this bot does and how to use it',
  start: 'What this bot does and how to use it',
} as const;

/** How a user types each action on a platform. */
export interface Syntax {
  /** How to send a photo, as the end of "Send me a photo with a face: ...". */
  photo: string;
  train: string;
  cancel: string;
  leaderboard: string;
  help: string;
}

export const SYNTAX: Record<Platform, Syntax> = {
  discord: {
    photo: 'attach it in a DM to me, attach it to a message that mentions me, or use /lookalike image:<photo>',
    train: '/train run:<1-5>',
    cancel: '/train-cancel',
    leaderboard: '/leaderboard',
    help: '/help',
  },
  telegram: {
    photo: 'send it here (in a group: with @ and my name, or /lookalike, in the caption)',
    train: '/train <1-5>',
    cancel: '/train cancel',
    leaderboard: '/leaderboard',
    help: '/help',
  },
};

/** Telegram's `/train` payload: `5`, `run:5`, `run 5`, `cancel`; anything else is a usage answer. */
export function parseTrainArgs(payload: string): TrainAction {
  const text = payload.trim().toLowerCase();
  if (text === '') return { type: 'usage' };
  if (/^(?:run\s*[:=]?\s*)?(?:cancel|stop)$/.test(text)) return { type: 'cancel' };
  const number = text.match(/^(?:run\s*[:=]?\s*)?(\d+)$/);
  if (!number) return { type: 'usage', problem: `I don't understand "${payload.trim().slice(0, 40)}".` };
  const preset = Number(number[1]);
  if (!isPresetId(preset)) return { type: 'usage', problem: `There are five presets, 1 to 5; ${number[1]} is not one of them.` };
  return { type: 'start', preset };
}
