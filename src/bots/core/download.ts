/**
 * Downloads a file into memory, never more than `maxBytes` (a lying or missing
 * Content-Length cannot make it buffer more), with a timeout. Nothing touches the disk.
 * Error messages never contain the URL: Telegram file URLs embed the bot token.
 */
import { InputError } from '../../base/errors.js';
import { megabytes as mb } from '../../base/format.js';
import { DownloadError } from './types.js';

export async function fetchBytes(url: string, maxBytes: number, timeoutMs = 30_000): Promise<Uint8Array> {
  let response: Response;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    throw new DownloadError('failed', `download failed: ${error instanceof Error ? error.name : 'error'}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadError('failed', `download failed with HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body.cancel();
    throw new InputError('too_large', `The file is ${mb(declared)}; the limit is ${mb(maxBytes)}.`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new InputError('too_large', `The file is over ${mb(maxBytes)}.`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new DownloadError('failed', `download interrupted: ${error instanceof Error ? error.name : 'error'}`);
  }
  return Buffer.concat(chunks, total);
}
