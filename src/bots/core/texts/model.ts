/** What the bot says about the model that answers photos: /model show, use, usage. */
import { percent } from '../../../base/format.js';
import type { ActiveModel } from '../../../store/index.js';
import type { Syntax } from '../../platforms.js';
import { bold, lines, type RichText } from '../text.js';

const choose = (syntax: Syntax) => `Choose one with ${syntax.modelUse}<run number> or go back to the shipped model with ${syntax.modelUse}default.`;

/** `people`: how many people the answering model knows (the engine's model). */
export function modelShowText(active: ActiveModel | null, people: number, syntax: Syntax): RichText {
  const which =
    active === null
      ? 'the shipped default model'
      : `${active.runId === null ? 'a deleted run' : `run #${active.runId}`}'s model (test top-1 ${percent(active.testAccuracy)}${active.pinned ? ', pinned' : ''})`;
  return lines(['Photos are answered by ', bold(which), `, which knows ${people.toLocaleString('en-US')} people.`], [choose(syntax)]);
}

export function modelUsageText(syntax: Syntax, problem?: string): RichText {
  return lines(...(problem ? [[problem]] : []), [`${syntax.model} shows which model answers photos. ${choose(syntax)}`]);
}

export const pinnedText = (runId: number, syntax: Syntax): RichText => [
  `Run #${runId}'s model now answers photos. It is pinned: later training runs will not replace it until ${syntax.modelUse}default.`,
];

export const DEFAULT_AGAIN: RichText = [
  'The shipped default model answers photos again; later training runs may replace it when they beat it on the same test photos.',
];

export const noSuchRunText = (runId: number): RichText => [`There is no run #${runId}.`];

/** A run that cannot be pinned (not finished, no saved model): the store's own sentence. */
export const cannotPinText = (why: string): RichText => [`I can't use that run: ${why}.`];
