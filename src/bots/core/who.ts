/**
 * `/who <name>`: whether the answering model knows a person, with their thumbnail; otherwise
 * the nearest names. Also the names Discord's autocomplete offers while a name is typed.
 */
import { PeopleIndex } from '../../engine/gallery/search.js';
import { personSlug } from '../../engine/model/manifest.js';
import type { ContextOf } from './middleware.js';
import { handler } from './middleware.js';
import type { Recognizer } from './recognize.js';
import { whoFoundText, whoNotFoundText, whoUsageText } from './texts/who.js';
import type { Thumbnails } from './thumbnails.js';
import type { Middleware } from './types.js';
import { PLATFORMS } from '../platforms.js';

/** Names offered after "Did you mean:". */
export const SUGGESTIONS = 3;

type Aliases = Readonly<Record<string, string>>;
const NO_ALIASES: Aliases = {};

// One index per labels array (and its aliases): the model changes only when a run is promoted, and the old index goes with its labels.
const indexes = new WeakMap<readonly string[], { aliases: Aliases; index: PeopleIndex }>();

/** The search of a model's people, found under their labels and their other spellings (a gallery's aliases). */
export function peopleIndex(labels: readonly string[], aliases: Aliases = NO_ALIASES): PeopleIndex {
  let cached = indexes.get(labels);
  if (!cached || cached.aliases !== aliases) indexes.set(labels, (cached = { aliases, index: new PeopleIndex(labels, aliases) }));
  return cached.index;
}

/** Names for a partly typed query, best first; with nothing typed yet, the first names alphabetically. */
export function suggestPeople(labels: readonly string[], query: string, limit: number, aliases: Aliases = NO_ALIASES): string[] {
  if (query.trim() === '') return [...labels].sort((a, b) => a.localeCompare(b)).slice(0, limit);
  return peopleIndex(labels, aliases)
    .search(query, limit)
    .map((hit) => hit.name);
}

export function whoIs(options: { recognizer: Pick<Recognizer, 'model'>; thumbnails: Thumbnails }): Middleware<ContextOf<'who'>> {
  return handler(async (ctx) => {
    const model = options.recognizer.model;
    const labels = model.manifest.labels;
    const query = ctx.request.name.trim();
    if (query === '') {
      await ctx.chat.reply(whoUsageText(PLATFORMS[ctx.actor.platform].syntax, labels.length));
      return;
    }
    const hits = peopleIndex(labels, model.aliases).search(query, SUGGESTIONS);
    ctx.facts.found = hits[0]?.exact ?? false;
    if (!hits[0]?.exact) {
      await ctx.chat.reply(
        whoNotFoundText(
          query,
          labels.length,
          hits.map((hit) => hit.name),
        ),
      );
      return;
    }
    const name = hits[0].name;
    const thumbnail = await options.thumbnails.find(model, name);
    if (thumbnail) await ctx.chat.replyWithPicture({ bytes: thumbnail, filename: `${personSlug(name)}.jpg` }, whoFoundText(name, labels.length));
    else await ctx.chat.reply(whoFoundText(name, labels.length));
  });
}
