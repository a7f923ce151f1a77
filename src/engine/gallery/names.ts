/**
 * People's names across datasets: one key per person whatever the spelling of the folder
 * ("ben_afflek", "pins_Ben Affleck", "Ben Affleck"), and a display name for replies.
 * Pure functions; the merge of near-identical names is confirmed by faces in merge.ts.
 */

/** Folder-name prefixes some datasets put before every person (Pins: `pins_Adriana Lima`). */
const FOLDER_PREFIXES = [/^pins_/i];

/** Strips dataset prefixes and separators: `pins_Adriana_Lima` -> `Adriana Lima`. */
export function cleanFolderName(folder: string): string {
  let name = folder;
  for (const prefix of FOLDER_PREFIXES) name = name.replace(prefix, '');
  return name.replace(/[_]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Comparison key: ASCII, lower case, letters and digits only, single spaces. `Beyoncé Knowles` -> `beyonce knowles`. */
export function nameKey(name: string): string {
  return cleanFolderName(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[.'’`-]/g, (c) => (c === '-' ? ' ' : ''))
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A folder's name as its dataset spells it: keeps its accents and capitals, title-cases an all-lower or all-upper name. */
export function sourceSpelling(folder: string): string {
  const name = cleanFolderName(folder);
  const letters = name.replace(/[^\p{L}]/gu, '');
  if (letters !== letters.toLowerCase() && letters !== letters.toUpperCase()) return name;
  return name.toLowerCase().replace(/(^|[\s'.-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** Roman numerals of monarchs and heirs, after the first word: `Elizabeth Ii` -> `Elizabeth II`. */
const ROMAN_NUMERAL = /^(?:ii|iii|iv|vi|vii|viii)$/i;

/**
 * Casing that title-casing (or a dataset) gets wrong, where one rule is right for every name:
 * - `Mc` then a capital (`Mcconaughey` -> `McConaughey`); not `Mac`, which is both
 *   (`MacFarlane` but `Macpherson`, `Mackie`): those come from the reviewed table;
 * - a capital after `O'` and `D'` (`O'malley` -> `O'Malley`, `D'cruz` -> `D'Cruz`);
 * - roman numerals after the first word (`Elizabeth Ii` -> `Elizabeth II`).
 */
export function fixCasing(name: string): string {
  return name
    .split(' ')
    .map((word, i) => {
      if (i > 0 && ROMAN_NUMERAL.test(word)) return word.toUpperCase();
      return word.replace(/^(Mc|[OD]')(\p{Ll})/u, (_, prefix: string, c: string) => prefix + c.toUpperCase());
    })
    .join(' ');
}

/** A name as people write it: the dataset's spelling with its casing fixed. */
export const displayName = (folder: string): string => fixCasing(sourceSpelling(folder));

/**
 * Levenshtein distance, early exit above `max`. With `transpositions`, swapping two neighbouring
 * letters is one edit too (`mcilory` / `mcilroy`; optimal string alignment).
 */
export function editDistance(a: string, b: string, max = Infinity, transpositions = false): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], before[j - 2] + 1);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

/**
 * Could two different keys name the same person? A typo (`henry cavil` / `henry cavill`:
 * at most 1 edit per 8 letters, the first letters equal) or a longer form of the same name
 * (`shakira` / `shakira isabel mebarak`: one name's words start the other's). Only a
 * candidate: different people have near-identical names (`tom hardy` / `tom hanks` are 2
 * edits apart), so merge.ts merges a candidate only when the two people's faces agree.
 */
export function maybeSamePerson(a: string, b: string): boolean {
  if (a === b) return true;
  if (a[0] !== b[0]) return false;
  const shorter = Math.min(a.length, b.length);
  const allowed = Math.floor(shorter / 8);
  if (allowed > 0 && editDistance(a, b, allowed) <= allowed) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  const shortWords = short.split(' ');
  const longWords = long.split(' ');
  // A one-word stage name that is the other's first word: `shakira` / `shakira isabel mebarak`.
  return shortWords.length < longWords.length && shortWords.every((w, i) => longWords[i] === w) && short.length >= 5;
}
