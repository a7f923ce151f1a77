/** Reading folder-per-person trees for the gallery (I/O). The tree's folder name is the source id. */
import path from 'node:path';
import { scanPeopleFolder } from '../dataset/folders.js';
import type { SourcePhoto } from './people.js';

export function scanSourceTrees(dirs: readonly string[]): SourcePhoto[] {
  const ids = new Set<string>();
  return dirs.flatMap((dir) => {
    let source = path.basename(path.resolve(dir));
    for (let n = 2; ids.has(source); n++) source = `${path.basename(path.resolve(dir))}-${n}`;
    ids.add(source);
    return scanPeopleFolder(dir).map(({ person, file }) => ({ source, folder: person, file }));
  });
}
