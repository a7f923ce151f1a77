// Small HTTP helpers shared by the fake servers: body parsing, JSON replies, start/stop.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type UploadedFile = {
  /** Form field name, e.g. `photo` (Telegram) or `files[0]` (Discord). */
  field: string;
  fileName: string;
  /** As sent by the client; '' when the part had no Content-Type (telegraf sends none). */
  contentType: string;
  bytes: Buffer;
};

export type ParsedBody = {
  /** Set when the body was `application/json`. */
  json: unknown;
  /** Plain text fields from urlencoded or multipart bodies. */
  fields: Record<string, string>;
  files: UploadedFile[];
};

async function readRaw(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses JSON, urlencoded and multipart/form-data request bodies. */
export async function readBody(req: http.IncomingMessage): Promise<ParsedBody> {
  const raw = await readRaw(req);
  const contentType = req.headers['content-type'] ?? '';
  const parsed: ParsedBody = { json: undefined, fields: {}, files: [] };
  if (raw.length === 0) return parsed;

  if (contentType.startsWith('application/json')) {
    parsed.json = JSON.parse(raw.toString('utf8'));
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) parsed.fields[key] = value;
  } else if (contentType.startsWith('multipart/form-data')) {
    // Node's built-in fetch Request can parse multipart for us, so no parser dependency is needed.
    const form = await new Request('http://fake.local/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: raw,
    }).formData();
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        parsed.fields[field] = value;
      } else {
        const bytes = Buffer.from(await value.arrayBuffer());
        parsed.files.push({ field, fileName: value.name, contentType: value.type, bytes });
      }
    }
  } else {
    throw new Error(`fake server: unsupported request content-type "${contentType}"`);
  }
  return parsed;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Listens on 127.0.0.1 with a port chosen by the OS and returns the port. */
export async function listenLocal(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Closes the server and every connection to it. Clients keep connections alive
 * (node-fetch via the keep-alive global agent, undici for discord.js), and a plain
 * `server.close()` would wait for them forever.
 */
export async function closeServer(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
