/**
 * A resumable HTTP download: bytes go to `<target>.part`, a later attempt asks only for the rest
 * (`Range: bytes=N-`), and the file is renamed to `<target>` once whole. Dataset archives are
 * hundreds of megabytes, so a dropped connection should cost the missing part, not the lot.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CelebError, errorMessage } from '../../base/errors.js';

export interface DownloadProgress {
  done: number;
  /** Unknown when the server sends no length (GitHub builds archives on the fly). */
  total: number | undefined;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Further attempts after a dropped connection, each resuming where the last stopped. Default 2. */
  retries?: number;
  /** Wait before attempt k+1: k times this. Default 1000. */
  retryDelayMs?: number;
}

/** What a response means for the `.part` file; pure, so the status rules are testable and read in one place. */
export type RangeAnswer =
  | { kind: 'append'; total: number | undefined } // 206 continuing at our offset
  | { kind: 'restart'; total: number | undefined } // 200: the range was ignored, this is the whole file
  | { kind: 'complete' } // 416 and the server's length is what we have
  | { kind: 'discard' } // a 206 at another offset, or a 416 with another length: ask again for the whole file
  | { kind: 'fail' };

export function interpretResponse(status: number, offset: number, headers: { contentRange: string | null; contentLength: string | null }): RangeAnswer {
  const length = headers.contentLength !== null && /^\d+$/.test(headers.contentLength) ? Number(headers.contentLength) : undefined;
  if (status === 200) return { kind: 'restart', total: length };
  const range = /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(headers.contentRange?.trim() ?? '');
  const size = range && range[2] !== '*' ? Number(range[2]) : undefined;
  if (status === 206) {
    if (range?.[1] !== undefined && Number(range[1]) === offset) return { kind: 'append', total: size ?? (length === undefined ? undefined : offset + length) };
    return { kind: 'discard' };
  }
  if (status === 416 && offset > 0) return size === offset ? { kind: 'complete' } : { kind: 'discard' };
  return { kind: 'fail' };
}

const fileSize = (file: string): Promise<number> =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

/** Downloads `url` to `target` unless it is already there. Throws `io` when the server or the network fails, `cancelled` on abort. */
export async function downloadResumable(url: string, target: string, options: DownloadOptions = {}): Promise<void> {
  if ((await fileSize(target)) > 0) return;
  const part = `${target}.part`;
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      if (await downloadOnce(url, part, options)) break;
    } catch (error) {
      if (options.signal?.aborted) throw new CelebError('cancelled', `download of ${url} cancelled; run again to resume`, { cause: error });
      if (attempt >= retries || !(error instanceof Interrupted)) throw error;
      await sleep((attempt + 1) * (options.retryDelayMs ?? 1000));
    }
  }
  await rename(part, target);
}

/** A dropped connection: the bytes so far stay in the `.part` file and another attempt continues. */
class Interrupted extends CelebError {
  constructor(message: string, cause: unknown) {
    super('io', message, { cause });
  }
}

/** One request. True when the `.part` file is whole. */
async function downloadOnce(url: string, part: string, options: DownloadOptions): Promise<boolean> {
  let offset = await fileSize(part);
  const response = await fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, signal: options.signal, redirect: 'follow' }).catch(
    (error: unknown) => {
      throw new Interrupted(`cannot reach ${url}: ${errorMessage((error as Error).cause ?? error)}`, error);
    },
  );
  const answer = interpretResponse(response.status, offset, {
    contentRange: response.headers.get('content-range'),
    contentLength: response.headers.get('content-length'),
  });
  if (answer.kind === 'complete' || answer.kind === 'discard') await response.body?.cancel();
  if (answer.kind === 'complete') return true;
  if (answer.kind === 'discard') {
    await rm(part, { force: true });
    throw new Interrupted(`the server's answer to a resumed download of ${url} does not continue the partial file; it was deleted, run again`, undefined);
  }
  if (answer.kind === 'fail' || !response.body) {
    await response.body?.cancel();
    throw new CelebError('io', `download of ${url} failed: HTTP ${response.status} ${response.statusText}`);
  }
  if (answer.kind === 'restart') offset = 0;
  const total = answer.total;
  let done = offset;
  options.onProgress?.({ done, total });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      options.onProgress?.({ done, total });
      callback(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body), counter, createWriteStream(part, { flags: offset > 0 ? 'a' : 'w' }));
  } catch (error) {
    throw new Interrupted(`download of ${url} stopped at ${done}${total ? ` of ${total}` : ''} bytes: ${errorMessage((error as Error).cause ?? error)}`, error);
  }
  if (total !== undefined && done !== total) throw new Interrupted(`download of ${url} ended at ${done} of ${total} bytes`, undefined);
  return true;
}
