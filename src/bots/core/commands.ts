/**
 * The commands, once: their descriptions (Discord's command list, Telegram's setMyCommands)
 * and the parsing of Telegram's free-text `/train` arguments. How each platform spells them is
 * in the platform registry (src/bots/platforms.ts).
 */
import { isPresetId } from '../../engine/train/presets.js';
import type { ModelAction, TrainAction } from './types.js';

export const DESCRIPTIONS = {
  lookalike: 'Find the celebrity you look most like',
  who: 'Check whether I know a celebrity',
  leaderboard: 'Accuracy of every training run, best first',
  train: 'Train a new model with preset 1-6 (admins only)',
  trainCancel: 'Stop the running training (admins only)',
  model: 'Show or choose the model that answers photos (admins only)',
  help: 'What this bot does and how to use it',
  start: 'What this bot does and how to use it',
} as const;

/** How each platform spells the commands lives in the platform registry. */
export type { Syntax } from '../platforms.js';

/** Telegram's `/train` payload: `5`, `run:5`, `run 5`, `default`, `cancel`; anything else is a usage answer. */
export function parseTrainArgs(payload: string): TrainAction {
  const text = payload.trim().toLowerCase();
  if (text === '') return { type: 'usage' };
  if (/^(?:run\s*[:=]?\s*)?(?:cancel|stop)$/.test(text)) return { type: 'cancel' };
  if (/^(?:run\s*[:=]?\s*)?default$/.test(text)) return { type: 'start', preset: 'default' };
  const number = text.match(/^(?:run\s*[:=]?\s*)?(\d+)$/);
  if (!number) return { type: 'usage', problem: `I don't understand "${payload.trim().slice(0, 40)}".` };
  const preset = Number(number[1]);
  if (!isPresetId(preset)) return { type: 'usage', problem: `There are six presets, 1 to 6; ${number[1]} is not one of them.` };
  return { type: 'start', preset };
}

/** A run id or `default`, as typed after `use` (Telegram) or in Discord's `use:` option. */
export function parseModelTarget(value: string): ModelAction {
  const text = value.trim().toLowerCase().replace(/^#/, '');
  if (text === 'default') return { type: 'use', target: 'default' };
  if (/^\d+$/.test(text) && Number(text) >= 1) return { type: 'use', target: Number(text) };
  return { type: 'usage', problem: `"${value.trim().slice(0, 40)}" is neither a run number nor "default".` };
}

/** Telegram's `/model` payload: empty or `show`; `use 12`, `use:12`, `use default`. */
export function parseModelArgs(payload: string): ModelAction {
  const text = payload.trim().toLowerCase();
  if (text === '' || text === 'show') return { type: 'show' };
  const use = text.match(/^use\s*[:=]?\s*(.*)$/);
  if (!use) return { type: 'usage', problem: `I don't understand "${payload.trim().slice(0, 40)}".` };
  return use[1] === '' ? { type: 'usage' } : parseModelTarget(use[1]);
}
