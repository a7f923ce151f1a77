/**
 * Finding a person among a model's labels by what somebody typed: `/who` and Discord's
 * autocomplete. Exact names first (on `nameKey`, so accents, case and punctuation do not
 * matter), then names the text starts ("scarlett" -> Scarlett Johansson) or whose words it
 * starts ("downey" -> Robert Downey Jr), then names a typo or two away ("tom hamks").
 * A person is also found under their other spellings (aliases: "Chris Patt" finds Chris Pratt),
 * and answered under the label. Pure; `PeopleIndex` computes the keys of a gallery's ~1,700
 * labels once, so a keystroke's search is a pass over small precomputed strings.
 */
import { editDistance, nameKey } from './names.js';

export interface PersonHit {
  /** The label, as the model spells it (a display name). */
  name: string;
  /** The query names exactly this person (same `nameKey` as the label or one of its aliases). */
  exact: boolean;
  /** 0..1, higher is better: exact 1, then prefix, word-prefix and typo matches. */
  score: number;
}

interface Entry {
  /** The label this entry finds (an alias's entry finds its label). */
  name: string;
  /** The label's position: equal scores keep the labels' order. */
  order: number;
  key: string;
  words: string[];
}

/** Typos a word of `length` letters may carry: one per ~5 letters, none in very short words. */
const allowedTypos = (length: number): number => Math.floor(length / 5);

/**
 * How well the query's words match the name's words, in order: each query word must start a
 * later name word, or be within its typo allowance of that word (or of the word's start, for a
 * word still being typed). Returns the edits spent, or null when some word does not match.
 */
function wordMatch(query: readonly string[], words: readonly string[]): number | null {
  let at = 0;
  let edits = 0;
  for (const q of query) {
    let found = false;
    for (; at < words.length && !found; at++) {
      const word = words[at];
      if (word.startsWith(q)) found = true;
      else {
        const max = allowedTypos(q.length);
        if (max === 0 || word[0] !== q[0]) continue;
        const distance = Math.min(editDistance(q, word, max), editDistance(q, word.slice(0, q.length), max));
        if (distance <= max) {
          edits += distance;
          found = true;
        }
      }
    }
    if (!found) return null;
  }
  return edits;
}

export class PeopleIndex {
  private readonly entries: readonly Entry[];

  /** `aliases`: other spelling -> label (a gallery's people.json); aliases of unknown labels are ignored. */
  constructor(
    readonly labels: readonly string[],
    aliases: Readonly<Record<string, string>> = {},
  ) {
    const order = new Map(labels.map((name, i) => [name, i]));
    const entry = (name: string, spelling: string, at: number): Entry => {
      const key = nameKey(spelling);
      return { name, order: at, key, words: key.split(' ') };
    };
    this.entries = [
      ...labels.map((name, i) => entry(name, name, i)),
      ...Object.entries(aliases).flatMap(([alias, name]) => (order.has(name) ? [entry(name, alias, order.get(name)!)] : [])),
    ];
  }

  get size(): number {
    return this.labels.length;
  }

  /** Best first, each person once (their best entry); equal scores keep the labels' order. An empty query finds nobody. */
  search(query: string, limit = 5): PersonHit[] {
    const q = nameKey(query);
    if (q === '' || limit <= 0) return [];
    const queryWords = q.split(' ');
    const best = new Map<string, PersonHit & { order: number }>();
    for (const entry of this.entries) {
      const score = scoreOf(entry, q, queryWords);
      if (score > (best.get(entry.name)?.score ?? 0)) best.set(entry.name, { name: entry.name, exact: score === 1, score, order: entry.order });
    }
    const hits = [...best.values()].sort((a, b) => b.score - a.score || a.order - b.order);
    return hits.slice(0, limit).map(({ name, exact, score }) => ({ name, exact, score }));
  }
}

/** 1 exact; 0.9.. the key starts with the query; 0.8.. its words start with the query's; 0.7.. / 0.6.. typos; 0 no match. */
function scoreOf(entry: Entry, q: string, queryWords: readonly string[]): number {
  const { key, words } = entry;
  if (key === q) return 1;
  // Within a tier, a query covering more of the name ranks first ("tom h" -> Tom Hanks before Tom Holland-Smith).
  const coverage = Math.min(1, q.length / key.length) * 0.05;
  if (key.startsWith(q)) return 0.9 + coverage;
  const wordEdits = wordMatch(queryWords, words);
  if (wordEdits === 0) return 0.8 + coverage;
  const max = allowedTypos(q.length);
  if (max > 0) {
    const distance = editDistance(q, key, max);
    if (distance <= max) return 0.7 + 0.05 * (1 - distance / (max + 1));
  }
  if (wordEdits !== null) return 0.6 + coverage - 0.01 * Math.min(wordEdits, 5);
  return 0;
}

/** One-off search; build a `PeopleIndex` instead when searching the same labels again. */
export function searchPeople(labels: readonly string[], query: string, limit = 5, aliases: Readonly<Record<string, string>> = {}): PersonHit[] {
  return new PeopleIndex(labels, aliases).search(query, limit);
}
