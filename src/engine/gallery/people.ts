/**
 * From photos in several folder-per-person trees to one list of people: the same person
 * under different spellings of their folder name becomes one entry (by `nameKey`), with a
 * display name and a bounded, source-balanced set of candidate photos. Pure.
 */
import { nameKey, sourceSpelling } from './names.js';

export interface SourcePhoto {
  /** Source id: the tree's folder name (`cfp`, `pins`...). */
  source: string;
  /** The person's folder name in that tree, as found. */
  folder: string;
  file: string;
}

export interface GalleryCandidate {
  key: string;
  name: string;
  /** Source id -> that source's photos of the person, sorted. */
  photos: Map<string, string[]>;
}

/**
 * The source's spelling shown unless the reviewed table or the casing rules fix it (canonical-names.ts):
 * the spelling most sources use; on a tie the one with accents or capitals, then the earlier source.
 */
function chooseName(spellings: { name: string; source: number }[]): string {
  const counts = new Map<string, { n: number; first: number }>();
  for (const { name, source } of spellings) {
    const entry = counts.get(name) ?? { n: 0, first: source };
    entry.n++;
    entry.first = Math.min(entry.first, source);
    counts.set(name, entry);
  }
  const richness = (name: string) => ([...name].some((c) => c.charCodeAt(0) > 0x7f) ? 2 : 0) + (name !== name.toLowerCase() ? 1 : 0);
  return [...counts.entries()].sort(([a, x], [b, y]) => y.n - x.n || richness(b) - richness(a) || x.first - y.first)[0][0];
}

/** Groups photos by person key; sources keep the order in which they were given. */
export function groupPeople(photos: readonly SourcePhoto[]): GalleryCandidate[] {
  const sourceOrder = [...new Set(photos.map((p) => p.source))];
  const byKey = new Map<string, { spellings: { name: string; source: number }[]; photos: Map<string, string[]> }>();
  const seenFolders = new Set<string>();
  for (const photo of photos) {
    const key = nameKey(photo.folder);
    if (!key) continue;
    const entry = byKey.get(key) ?? { spellings: [], photos: new Map<string, string[]>() };
    byKey.set(key, entry);
    const folderId = `${photo.source}\u0000${photo.folder}`;
    if (!seenFolders.has(folderId)) {
      seenFolders.add(folderId);
      entry.spellings.push({ name: sourceSpelling(photo.folder), source: sourceOrder.indexOf(photo.source) });
    }
    const list = entry.photos.get(photo.source) ?? [];
    entry.photos.set(photo.source, list);
    list.push(photo.file);
  }
  return [...byKey.entries()]
    .map(([key, e]) => {
      for (const list of e.photos.values()) list.sort();
      return { key, name: chooseName(e.spellings), photos: e.photos };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * At most `limit` photos of a person, taken in turn from each source (so a source with 200
 * photos of someone does not crowd out the others), each source's photos in sorted order.
 */
export function pickCandidates(candidate: GalleryCandidate, limit: number): { source: string; file: string }[] {
  const queues = [...candidate.photos.entries()].map(([source, files]) => ({ source, files: [...files] }));
  const out: { source: string; file: string }[] = [];
  while (out.length < limit && queues.some((q) => q.files.length > 0)) {
    for (const q of queues) {
      const file = q.files.shift();
      if (file !== undefined && out.length < limit) out.push({ source: q.source, file });
    }
  }
  return out;
}
