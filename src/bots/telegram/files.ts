/**
 * A Telegram photo or image document as the core's `IncomingImage`. The bytes come from the
 * Bot API's file download (or, for a self-hosted Bot API server in --local mode, from the
 * path it reports); Telegram's own 20 MB limit for bots becomes a DownloadError of its own.
 */
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TelegramError, type Telegram } from 'telegraf';
import { InputError } from '../../base/errors.js';
import { fetchBytes } from '../core/download.js';
import { DownloadError, type IncomingImage } from '../core/types.js';
import { megabytes as mb } from '../../base/format.js';
import { PLATFORMS } from '../platforms.js';

/** getFile refuses bigger files on the official Bot API. */
export const TELEGRAM_DOWNLOAD_LIMIT = PLATFORMS.telegram.limits.download;

export interface TelegramFileRef {
  file_id: string;
  file_size?: number;
}

/** Reads at most maxBytes of a file a local Bot API server stored (it is the server's file, not ours). */
async function readLocalFile(url: URL, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(fileURLToPath(url), 'r').catch(() => {
    throw new DownloadError('failed', 'the local Bot API server file is not readable');
  });
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new InputError('too_large', `The file is ${mb(size)}; the limit is ${mb(maxBytes)}.`);
    const bytes = Buffer.alloc(size);
    await handle.read(bytes, 0, size, 0);
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * `officialApi`: the bot talks to api.telegram.org, so files over 20 MB are refused before
 * asking. With a self-hosted server the server decides (it lifts the limit in --local mode).
 */
export function telegramImage(telegram: Telegram, file: TelegramFileRef, officialApi: boolean): IncomingImage {
  const tooBigForTelegram = () =>
    new DownloadError('platform_limit', 'Telegram refuses bot downloads over 20 MB', TELEGRAM_DOWNLOAD_LIMIT, file.file_size, 'telegram');
  return {
    size: file.file_size,
    async download(maxBytes) {
      if (officialApi && (file.file_size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) throw tooBigForTelegram();
      let link: URL;
      try {
        link = await telegram.getFileLink(file.file_id); // a self-hosted server decides here whether it hands the file out
      } catch (error) {
        if (error instanceof TelegramError && /file is too big/i.test(error.description)) throw tooBigForTelegram();
        throw new DownloadError('failed', `getFile failed: ${error instanceof TelegramError ? error.code : 'network error'}`);
      }
      if ((file.file_size ?? 0) > maxBytes) throw new InputError('too_large', `The file is ${mb(file.file_size!)}; the limit is ${mb(maxBytes)}.`);
      return link.protocol === 'file:' ? readLocalFile(link, maxBytes) : fetchBytes(link.href, maxBytes);
    },
  };
}
