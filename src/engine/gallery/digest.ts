/**
 * A dataset folder's fingerprint, computable both from a git tree (`git ls-tree -r` gives the
 * blob ids, no download) and from the extracted files, so the catalog can pin a source's
 * exact content and `celeb data fetch` can check what it unpacked against it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface TreeEntry {
  /** Relative to the source's folder, `/`-separated. */
  path: string;
  /** Git's blob id of the file's bytes (40 hex digits). */
  blobId: string;
}

/** Git's blob id: sha1 of `blob <byte length>\0` followed by the bytes (what `git hash-object` prints). */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

/** sha256 of the `<blob id> <path>\n` lines, sorted by the UTF-8 bytes of the path (git's own order, independent of locale). */
export function treeDigest(entries: readonly TreeEntry[]): string {
  const sorted = entries.map((e) => ({ ...e, key: Buffer.from(e.path, 'utf8') })).sort((a, b) => Buffer.compare(a.key, b.key));
  const hash = createHash('sha256');
  for (const e of sorted) hash.update(`${e.blobId} ${e.path}\n`, 'utf8');
  return hash.digest('hex');
}

/** Every regular file under `root`, as paths relative to it with `/` separators (symlinks are not followed). */
export async function listFiles(root: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) found.push(rel);
  }
  return found;
}

/** The tree digest and file count of a folder on disk. `onFile` is told after each file is hashed. */
export async function digestFolder(root: string, onFile?: (done: number, total: number) => void): Promise<{ files: number; digest: string }> {
  const paths = await listFiles(root);
  const entries: TreeEntry[] = [];
  for (const rel of paths) {
    entries.push({ path: rel, blobId: gitBlobId(await readFile(path.join(root, rel))) });
    onFile?.(entries.length, paths.length);
  }
  return { files: entries.length, digest: treeDigest(entries) };
}
