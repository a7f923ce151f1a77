/** /leaderboard: the runs as a monospace table, best first, with the bar chart as a picture. */
import { leaderboardPng } from '../../report/figures.js';
import { leaderboard, type Database } from '../../store/index.js';
import { PLATFORMS } from '../platforms.js';
import type { ContextOf } from './middleware.js';
import { LEADERBOARD_ROWS, leaderboardText } from './texts/help.js';
import type { Middleware } from './types.js';

export function showLeaderboard(db: Database): Middleware<ContextOf<'leaderboard'>> {
  return async (ctx) => {
    const rows = leaderboard(db);
    ctx.facts.runs = rows.length;
    const text = leaderboardText(rows, PLATFORMS[ctx.actor.platform].syntax);
    if (rows.length === 0) {
      await ctx.chat.reply(text);
      return;
    }
    const chart = await leaderboardPng(rows.slice(0, LEADERBOARD_ROWS));
    await ctx.chat.replyWithPicture({ bytes: chart, filename: 'leaderboard.png' }, text);
  };
}
