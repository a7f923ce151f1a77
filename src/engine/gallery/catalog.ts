/**
 * The public datasets the gallery is built from: where each lives (a GitHub repository at a
 * pinned commit), which folder holds the photos, and how a path in it names a person. The
 * photos are never part of this project; `celeb data fetch <id>` downloads them and lays
 * them out as `<out>/<id>/<Person>/<file>`, the tree `celeb gallery build` reads.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cleanFolderName } from './names.js';

/** Where one photo of the archive goes: `<person>/<file>` under the source's folder. */
export interface PhotoPlacement {
  /** Path inside the source folder (`prefix`), `/`-separated. */
  from: string;
  person: string;
  file: string;
}

export interface DatasetSource {
  /** Short id, also the folder name of the laid-out tree: `cfp`. */
  id: string;
  title: string;
  /** `owner/name` on GitHub. */
  repo: string;
  /** The commit downloaded and verified; 40 hex digits. */
  commit: string;
  /** Folder inside the repository that holds the photos (and any name list). */
  prefix: string;
  /** Files under `prefix` at `commit`, and the sha256 of their sorted `<blob id> <path>` lines (see digest.ts). */
  files: number;
  digest: string;
  /** What the photos are, for the README and `celeb data fetch --list`. */
  about: string;
  /**
   * Places the photos, given the extracted source folder: a pure mapping of paths, except that
   * some sources name people in a list file, which `readText` reads.
   */
  layout(paths: readonly string[], readText: (rel: string) => Promise<string>): Promise<PhotoPlacement[]>;
}

const IMAGE = /\.(jpe?g|png|webp)$/i;

/** `<Person>/<file>` folders, the person's folder name cleaned by `clean`. */
function personFolders(clean: (folder: string) => string = cleanFolderName): DatasetSource['layout'] {
  return (paths) =>
    Promise.resolve(
      paths.flatMap((from) => {
        const parts = from.split('/');
        if (parts.length !== 2 || !IMAGE.test(parts[1])) return [];
        return [{ from, person: clean(parts[0]), file: parts[1] }];
      }),
    );
}

export const DATASET_SOURCES: readonly DatasetSource[] = [
  {
    id: 'cfp',
    title: 'CFP (Celebrities in Frontal-Profile)',
    repo: 'zhangjunh/DR-GAN-by-pytorch',
    commit: '12de9e083449d5ab0b6cd63afc8df697bd7f63c2',
    prefix: 'cfp-dataset/Data',
    files: 14001,
    digest: '14552095a9a766a3138db3a3436e112e771a16fb47b0bd1d155a9d1d519c2c6a',
    about: '500 people, 10 frontal and 4 profile face crops each (Sengupta et al., WACV 2016)',
    // Images/{train,test}/<NNN>/{frontal,profile}/<nn>.jpg; line NNN of list_name.txt names person NNN.
    async layout(paths, readText) {
      const names = (await readText('list_name.txt')).split(/\r?\n/).map((line) => line.trim());
      return paths.flatMap((from) => {
        const match = /^Images\/(?:train|test)\/(\d{3})\/(frontal|profile)\/([^/]+)$/.exec(from);
        const person = match ? names[Number(match[1]) - 1] : undefined;
        if (!match || !person || !IMAGE.test(match[3])) return [];
        return [{ from, person, file: `${match[2]}-${match[3]}` }];
      });
    },
  },
  {
    id: 'doppelganger',
    title: 'DoppelGanger celebrity mini set (celeb_mini)',
    repo: 'matthewaltenburg/DoppelGanger-Find-your-Celebrity-Look-Alike',
    commit: '70d1b5548effa85d08030dce63572e36cf63df9f',
    prefix: 'celeb_minicpp',
    files: 5830,
    digest: '18c7ac015542a5fee8ecba3b8666088d6ced8aff795e9080dd28a4cb1ac068d3',
    about: "1,166 people, 5 head shots each (OpenCV course's celeb_mini)",
    layout: personFolders(),
  },
  {
    id: 'pins',
    title: 'Pins face recognition',
    repo: 'fchrgrib/Algeo02-21015',
    commit: '122a055fab12c4f3b225503b1c5bb6b2cffea8e5',
    prefix: 'test/dataset/large_dataset',
    files: 17534,
    digest: 'a91cf10e23cebaff2da7e1832688eb6bb326cbbffeb8e8960b926522c85f3c3d',
    about: '105 people, 86-237 face crops each (Pinterest, via Kaggle)',
    layout: personFolders(),
  },
  {
    id: 'bollywood',
    title: 'Bollywood celebrity faces',
    repo: 'ARPIT-SINGHAL-22102003/Bollywood-Celebrity-Resemblence',
    commit: '71b7e95762923987473eed0a9c07b68106c0ea3f',
    prefix: 'data/all_actors',
    files: 8664,
    digest: '1eef825596479141137dc2492330dc819e9bcf626be4be236524e0947b61728b',
    about: '100 Indian actors, 64x64 aligned face crops',
    layout: personFolders(),
  },
];

export function datasetSource(id: string): DatasetSource | undefined {
  return DATASET_SOURCES.find((s) => s.id === id);
}

/** Reads a text file of an extracted source folder. */
export const readSourceText = (root: string) => (rel: string) => readFile(path.join(root, rel), 'utf8');
