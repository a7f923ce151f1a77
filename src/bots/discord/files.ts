/** A Discord attachment as the core's `IncomingImage`: its size is known up front, its bytes come from the CDN URL. */
import type { Attachment } from 'discord.js';
import { InputError } from '../../base/errors.js';
import { fetchBytes } from '../core/download.js';
import type { IncomingImage } from '../core/types.js';
import { megabytes as mb } from '../../base/format.js';

export function discordImage(attachment: Pick<Attachment, 'size' | 'url'>): IncomingImage {
  return {
    size: attachment.size,
    async download(maxBytes) {
      if (attachment.size > maxBytes) throw new InputError('too_large', `The file is ${mb(attachment.size)}; the limit is ${mb(maxBytes)}.`);
      return fetchBytes(attachment.url, maxBytes);
    },
  };
}
