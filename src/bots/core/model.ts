/**
 * /model: which model answers photos, and an admin's choice of it (as `celeb model use`).
 * Only admins get here (see guards.ts). A chosen run is pinned, so automatic promotion never
 * replaces it; `default` goes back to the shipped model and unpins.
 */
import { pinActiveModel, resetActiveModel, getActiveModel, RunNotFoundError, StoreValidationError, type Database } from '../../store/index.js';
import type { Logger } from '../log.js';
import { PLATFORMS } from '../platforms.js';
import type { ModelSwitcher } from './active-model.js';
import type { ContextOf } from './middleware.js';
import { cannotPinText, DEFAULT_AGAIN, modelShowText, modelUsageText, noSuchRunText, pinnedText } from './texts/model.js';
import type { Middleware } from './types.js';

export interface ModelOptions {
  db: Database;
  models: ModelSwitcher;
  /** How many people the model answering now knows. */
  people: () => number;
  log: Logger;
}

export function chooseModel(options: ModelOptions): Middleware<ContextOf<'model'>> {
  return async (ctx) => {
    const { action } = ctx.request;
    const syntax = PLATFORMS[ctx.actor.platform].syntax;
    if (action.type === 'usage') {
      await ctx.chat.reply(modelUsageText(syntax, action.problem));
      return;
    }
    if (action.type === 'show') {
      await ctx.chat.reply(modelShowText(getActiveModel(options.db), options.people(), syntax));
      return;
    }
    const who = { platform: ctx.actor.platform, user: ctx.actor.id };
    if (action.target === 'default') {
      resetActiveModel(options.db);
      await options.models.refresh();
      ctx.facts.model = 'default';
      options.log.info('model.reset', who);
      await ctx.chat.reply(DEFAULT_AGAIN);
      return;
    }
    try {
      pinActiveModel(options.db, action.target);
    } catch (error) {
      if (error instanceof RunNotFoundError) return void (await ctx.chat.reply(noSuchRunText(action.target)));
      if (error instanceof StoreValidationError) return void (await ctx.chat.reply(cannotPinText(error.message)));
      throw error;
    }
    await options.models.refresh();
    ctx.facts.model = action.target;
    options.log.info('model.pinned', { ...who, runId: action.target });
    await ctx.chat.reply(pinnedText(action.target, syntax));
  };
}
