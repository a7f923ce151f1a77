/**
 * Unpacks one folder of a GitHub archive. GitHub's tar.gz has a single top folder
 * (`<name>-<commit>/`); its name is taken from the archive, not guessed, and only entries under
 * `<top>/<prefix>/` are written, with that much of their path stripped. node-tar's guards stay
 * on: no absolute paths, no `..`, nothing through a symlink.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import * as tar from 'tar';
import { DatasetError } from '../dataset/folders.js';

/** Entry types written out; links and devices are skipped (a dataset folder is plain files). */
const KEPT_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Keeps `<top>/<prefix>/...` entries, the top folder being the first path component seen. Pure apart from remembering `top`. */
export function prefixFilter(prefix: string): (entryPath: string, type: string) => boolean {
  let top: string | undefined;
  const inside = `/${prefix.replace(/^\/+|\/+$/g, '')}/`;
  return (entryPath, type) => {
    top ??= entryPath.split('/')[0];
    return KEPT_TYPES.has(type) && entryPath.startsWith(top + inside) && entryPath.length > top.length + inside.length;
  };
}

/** Extracts `<top>/<prefix>/**` of `archive` (tar or tar.gz) into `dest`. `onBytes` counts the archive's bytes read. */
export async function extractPrefix(archive: string, prefix: string, dest: string, onBytes?: (done: number, total: number) => void): Promise<void> {
  const total = (await stat(archive)).size;
  await mkdir(dest, { recursive: true });
  const keep = prefixFilter(prefix);
  const problems: string[] = [];
  const unpack = tar.x({
    cwd: dest,
    strip: 1 + prefix.split('/').filter(Boolean).length,
    filter: (entryPath, entry) => keep(entryPath, 'type' in entry ? entry.type : 'File'),
    // A damaged archive or a refused entry is a warning to node-tar; here any of them fails the fetch.
    onwarn: (code, message) => {
      if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`);
    },
  });
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      onBytes?.(done, total);
      callback(null, chunk);
    },
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => reject(damaged(archive, error.message, error));
    unpack.on('error', fail);
    unpack.on('close', resolve);
    createReadStream(archive).on('error', fail).pipe(counter).on('error', fail).pipe(unpack);
  });
  if (problems.length > 0) throw damaged(archive, problems.slice(0, 3).join('; '));
}

const damaged = (archive: string, detail: string, cause?: unknown) =>
  new DatasetError(`the archive ${archive} cannot be unpacked (${detail}); delete it to download again`, { cause });
