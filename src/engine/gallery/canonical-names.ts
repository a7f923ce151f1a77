/**
 * Spelling gallery people's names right. `proposeSpellings` compares display names with public
 * reference lists (reference-names.ts) and proposes the list's spelling where it differs;
 * `celeb gallery names` prints the proposals the reviewed table (name-fixes.ts) has not decided
 * yet, and `canonicalName` applies the table and the casing rules when a gallery is built.
 * Pure.
 */
import { editDistance, fixCasing, nameKey } from './names.js';
import { NAME_FIXES, NAME_KEEPS, type NameFix, type NameKeep } from './name-fixes.js';
import type { ReferenceList, ReferenceListId } from './reference-names.js';

export interface NameTable {
  fixes: readonly NameFix[];
  keeps: readonly NameKeep[];
}

export const NAME_TABLE: NameTable = { fixes: NAME_FIXES, keeps: NAME_KEEPS };

export interface CanonicalName {
  name: string;
  /** What changed the source's spelling: the reviewed table, the casing rules, or nothing. */
  rule: 'table' | 'casing' | null;
}

/** Fixes by the key of their `from`, once per table. */
const fixIndexes = new WeakMap<NameTable, Map<string, NameFix>>();

function fixIndex(table: NameTable): Map<string, NameFix> {
  let index = fixIndexes.get(table);
  if (!index) fixIndexes.set(table, (index = new Map(table.fixes.map((f) => [nameKey(f.from), f]))));
  return index;
}

/** The name a gallery shows for a dataset's spelling: the table's fix, else the spelling with its casing fixed. */
export function canonicalName(spelling: string, table: NameTable = NAME_TABLE): CanonicalName {
  const fix = fixIndex(table).get(nameKey(spelling));
  if (fix) return { name: fix.to, rule: fix.to === spelling ? null : 'table' };
  const cased = fixCasing(spelling);
  return { name: cased, rule: cased === spelling ? null : 'casing' };
}

export interface NameProposal {
  /** The gallery's name, with the casing rules applied. */
  from: string;
  /** The reference list's spelling. */
  to: string;
  list: ReferenceListId;
  /** Edits between the two names' keys (a swap of neighbours is one): 0 when only case, accents, punctuation or spacing differ. */
  distance: number;
}

/** Edits a name of `length` key characters may be from a list's name: 1, 2 from 16 characters, none under 6. */
export const allowedEdits = (length: number): number => (length < 6 ? 0 : Math.min(2, Math.max(1, Math.floor(length / 8))));

/** Characters beyond plain letters, digits and spaces: apostrophes, periods, hyphens, accented letters. */
const marks = (name: string): string[] => [...name.normalize('NFC')].filter((c) => !/[A-Za-z0-9 ]/.test(c));

/** Would `to` drop a mark `from` has? (LFW writes `Bill OReilly`, `Beyonce Knowles`.) */
export function losesMarks(from: string, to: string): boolean {
  const left = marks(to);
  for (const c of marks(from)) {
    const at = left.indexOf(c);
    if (at < 0) return true;
    left.splice(at, 1);
  }
  return false;
}

interface ReferenceEntry {
  name: string;
  key: string;
  list: ReferenceListId;
}

/**
 * For each name, the reference spelling when it differs: a list name with the same key that
 * adds case, accents or punctuation (never one that drops them), or, for a name no list holds,
 * the list names within `allowedEdits` of it that are not themselves someone else in `names`.
 * Lists earlier in `lists` win a tie. A proposal is only a proposal: near names are often
 * different people (Eva Longoria is not Evan Longoria), which is why a table decides.
 */
export function proposeSpellings(names: readonly string[], lists: readonly ReferenceList[], edits: (length: number) => number = allowedEdits): NameProposal[] {
  const byKey = new Map<string, ReferenceEntry[]>();
  const byLength = new Map<number, ReferenceEntry[]>();
  for (const list of lists)
    for (const name of list.names) {
      const key = nameKey(name);
      if (!key) continue;
      const entry = { name, key, list: list.id };
      byKey.set(key, [...(byKey.get(key) ?? []), entry]);
      byLength.set(key.length, [...(byLength.get(key.length) ?? []), entry]);
    }
  const galleryKeys = new Set(names.map(nameKey));
  const proposals: NameProposal[] = [];
  for (const original of names) {
    const from = fixCasing(original);
    const key = nameKey(from);
    const same = byKey.get(key);
    if (same) {
      // The first list's spelling that keeps every mark of the gallery's (VGGFace2's before LFW's).
      const best = same.find((e) => !losesMarks(from, e.name) && e.name === fixCasing(e.name));
      if (best && best.name !== from) proposals.push({ from, to: best.name, list: best.list, distance: 0 });
      continue;
    }
    const max = edits(key.length);
    if (max === 0) continue;
    const near = new Map<string, { entry: ReferenceEntry; distance: number }>();
    for (let length = key.length - max; length <= key.length + max; length++)
      for (const entry of byLength.get(length) ?? []) {
        if (galleryKeys.has(entry.key) || near.has(entry.key)) continue;
        const distance = editDistance(key, entry.key, max, true);
        if (distance <= max) near.set(entry.key, { entry, distance });
      }
    const best = Math.min(...[...near.values()].map((n) => n.distance));
    for (const { entry, distance } of near.values()) if (distance === best) proposals.push({ from, to: entry.name, list: entry.list, distance });
  }
  return proposals;
}

/** How the table decided a proposal: renamed (to this or another spelling), kept, or not yet. */
export type Decision = { kind: 'renamed'; to: string } | { kind: 'kept'; why: string } | { kind: 'undecided' };

export function decisionOf(proposal: NameProposal, table: NameTable = NAME_TABLE): Decision {
  const key = nameKey(proposal.from);
  const fix = fixIndex(table).get(key);
  if (fix) return { kind: 'renamed', to: fix.to };
  // A name the table spelt is decided, whatever a list near it says.
  if (table.fixes.some((f) => nameKey(f.to) === key && f.to === proposal.from)) return { kind: 'renamed', to: proposal.from };
  const keep = table.keeps.find((k) => nameKey(k.name) === key && (k.not === undefined || nameKey(k.not) === nameKey(proposal.to)));
  return keep ? { kind: 'kept', why: keep.why } : { kind: 'undecided' };
}

/** The spellings in `names` that search would not find `name` by, each once. */
export function otherSpellings(name: string, names: readonly string[]): string[] {
  const seen = new Set([nameKey(name)]);
  return names.filter((n) => {
    const key = nameKey(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface NameChange {
  from: string;
  to: string;
  rule: 'table' | 'casing';
}

/**
 * The gallery's people under their canonical names, each keeping the spellings it had (its
 * source spelling and the names merged into it) as `aliases` where they differ from the new
 * name by more than case, accents and punctuation (what search folds anyway). A rename onto
 * a name someone else in the gallery has is not made: it is returned in `conflicts`.
 */
export function canonicalPeople<T extends { name: string; aliases: readonly string[] }>(
  people: readonly T[],
  table: NameTable = NAME_TABLE,
): { people: T[]; renamed: NameChange[]; conflicts: NameChange[] } {
  const changes = people.map((p) => canonicalName(p.name, table));
  const owners = new Map<string, number>();
  const claim = (key: string) => owners.set(key, (owners.get(key) ?? 0) + 1);
  people.forEach((p, i) => {
    claim(nameKey(p.name));
    if (nameKey(changes[i].name) !== nameKey(p.name)) claim(nameKey(changes[i].name));
  });
  const renamed: NameChange[] = [];
  const conflicts: NameChange[] = [];
  const out = people.map((p, i) => {
    const { name, rule } = changes[i];
    const change = rule === null ? null : { from: p.name, to: name, rule };
    if (change && nameKey(name) !== nameKey(p.name) && owners.get(nameKey(name))! > 1) conflicts.push(change);
    else if (change) renamed.push(change);
    const shown = change && !conflicts.includes(change) ? name : p.name;
    return { ...p, name: shown, aliases: otherSpellings(shown, [p.name, ...p.aliases]) };
  });
  return { people: out, renamed, conflicts };
}
