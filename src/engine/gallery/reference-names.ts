/**
 * Public lists of celebrities' names that the gallery's display names are checked against
 * (`celeb gallery names`): VGGFace2's `identity_meta.csv` (9,131 people, Wikipedia spellings)
 * and LFW's name list (5,749 people). Only the names are used. The lists are not part of the
 * repository: README "Names" says where to get them. Parsing is pure; `readReferenceLists`
 * reads a folder holding them.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CelebError } from '../../base/errors.js';

export type ReferenceListId = 'vggface2' | 'lfw';

export interface ReferenceList {
  id: ReferenceListId;
  /** Display spellings, underscores turned into spaces: `A. J. Buckley`, `Mónica Cruz`. */
  names: string[];
}

/** `Aaron_Eckhart` -> `Aaron Eckhart`. */
const spaced = (name: string): string => name.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim();

/** One CSV line's fields (RFC 4180 quoting: `"a ""b"""` is `a "b"`). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') field += line[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/**
 * VGGFace2's `identity_meta.csv`: `Class_ID, Name, Sample_Num, Flag, Gender`, where a name is
 * written ` "Aaron_Eckhart"` inside a quoted field (` "Aaron_Eckhart"` once unquoted, with its
 * own quotes and a leading space). A header line, if present, is skipped.
 */
export function parseVggFace2Meta(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!/^n\d+,/.test(line)) continue;
    const raw = csvFields(line)[1]
      ?.trim()
      .replace(/^"(.*)"$/, '$1');
    if (raw) names.push(spaced(raw));
  }
  return names;
}

/**
 * LFW's names in either published form: `lfw-names.txt` (`Aaron_Eckhart<TAB>1`, name then
 * photo count), `lfw_allnames.csv` (`name,images` header, then `Aaron_Eckhart,1`) or a
 * numbered list (`1<TAB>Aaron_Eckhart`). The name is the field that is not a number.
 */
export function parseLfwNames(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line
      .split(/[\t,]/)
      .map((f) => f.trim())
      .filter((f) => f !== '' && !/^\d+$/.test(f));
    if (fields.length !== 1 || fields[0] === 'name') continue;
    names.push(spaced(fields[0]));
  }
  return names;
}

/** Which parser reads a file of the reference folder, by its name. */
export function referenceListOf(file: string): { id: ReferenceListId; parse: (text: string) => string[] } | null {
  const base = path.basename(file).toLowerCase();
  if (base === 'identity_meta.csv') return { id: 'vggface2', parse: parseVggFace2Meta };
  if (/^lfw[-_](all)?names\.(txt|csv)$/.test(base)) return { id: 'lfw', parse: parseLfwNames };
  return null;
}

/** Reads every reference list in `dir` (VGGFace2 first: its Wikipedia spellings win a tie). */
export async function readReferenceLists(dir: string): Promise<ReferenceList[]> {
  if (!existsSync(dir))
    throw new CelebError('dataset', `No reference name lists at ${dir}: put VGGFace2's identity_meta.csv and LFW's lfw-names.txt there (README "Names")`);
  const lists = new Map<ReferenceListId, string[]>();
  for (const file of (await readdir(dir)).sort()) {
    const list = referenceListOf(file);
    if (!list) continue;
    const names = list.parse(await readFile(path.join(dir, file), 'utf8'));
    lists.set(list.id, [...(lists.get(list.id) ?? []), ...names]);
  }
  if (lists.size === 0) throw new CelebError('dataset', `${dir} holds no reference list (identity_meta.csv, lfw-names.txt or lfw_allnames.csv)`);
  const order: ReferenceListId[] = ['vggface2', 'lfw'];
  return order.filter((id) => lists.has(id)).map((id) => ({ id, names: lists.get(id)! }));
}
