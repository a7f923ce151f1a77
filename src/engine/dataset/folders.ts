/** Datasets on disk: a folder per person, and the ImageFolder layout `<split>/<Name>/*`. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CelebError } from '../../base/errors.js';

export type SplitName = 'train' | 'val' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);

export interface LabelledFile {
  person: string;
  file: string;
}

/** A dataset that cannot be used as given: the message says what to fix. */
export class DatasetError extends CelebError {
  override name = 'DatasetError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('dataset', message, options);
  }
}

const isDir = (p: string) => statSync(p).isDirectory();

/** Every image in `<dir>/<Person>/`, sorted so results never depend on directory order. */
export function scanPeopleFolder(dir: string): LabelledFile[] {
  if (!existsSync(dir) || !isDir(dir)) throw new DatasetError(`${dir} is not a directory`);
  const out: LabelledFile[] = [];
  for (const person of readdirSync(dir).sort()) {
    const personDir = path.join(dir, person);
    if (person.startsWith('.') || !isDir(personDir)) continue;
    for (const name of readdirSync(personDir).sort()) {
      if (IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase())) out.push({ person, file: path.join(personDir, name) });
    }
  }
  return out;
}

export type ImageFolderDataset = Record<SplitName, LabelledFile[]>;

/** Reads `root/{train,val,test}/<Person>/*`; val may be empty, train and test may not. */
export function readImageFolder(root: string): ImageFolderDataset {
  const dataset = {} as ImageFolderDataset;
  for (const split of SPLITS) {
    const dir = path.join(root, split);
    dataset[split] = existsSync(dir) ? scanPeopleFolder(dir) : [];
  }
  if (dataset.train.length === 0) throw new DatasetError(`${root}/train has no images: run \`celeb data import\` first`);
  if (dataset.test.length === 0) throw new DatasetError(`${root}/test has no images`);
  return dataset;
}
