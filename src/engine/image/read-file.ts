/** Reads a photo from disk for the engine, turning file-system failures into per-image input errors. */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../base/errors.js';

/** The bytes of `file`; InputError `not_found` when it does not exist, `unreadable` when it cannot be read. */
export async function readImageFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError('not_found', `There is no file at ${file}.`);
    const why = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'unknown reason');
    throw new InputError('unreadable', `The file ${file} cannot be read (${why}).`);
  }
}
