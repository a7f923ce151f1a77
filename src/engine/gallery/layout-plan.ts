/** Turns a source's photo placements into file moves, refusing names that would leave the folder or collide. Pure. */
import { DatasetError } from '../dataset/folders.js';
import type { PhotoPlacement } from './catalog.js';

export interface LayoutPlan {
  /** `from` relative to the extracted source folder, `to` relative to the laid-out one (`<Person>/<file>`). */
  moves: { from: string; to: string }[];
  people: number;
}

/** One path component that stays where it is put: not empty, not `.`/`..`, no separators or NUL. */
export const isPlainName = (name: string): boolean => name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);

export function planLayout(sourceId: string, placements: readonly PhotoPlacement[]): LayoutPlan {
  const targets = new Set<string>();
  const people = new Set<string>();
  const moves = placements.map(({ from, person, file }) => {
    if (!isPlainName(person) || !isPlainName(file)) throw new DatasetError(`${sourceId}: cannot place ${from} as "${person}/${file}"`);
    const to = `${person}/${file}`;
    if (targets.has(to)) throw new DatasetError(`${sourceId}: two photos would both be ${to}`);
    targets.add(to);
    people.add(person);
    return { from, to };
  });
  return { moves, people: people.size };
}
