// The inbox's wire format (issue 19): a message is a line of JSON and its picture's raw bytes
// after it, not base64 inside the JSON; and through a real redis-server, an entry with a
// picture arrives whole, its inbox has a TTL and nothing of it is left once read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { silentLogger } from '../src/bots/log.js';
import { InboxReader, sendToInbox } from '../src/bots/queue/inbox.js';
import { decodeInboxMessage, encodeInboxMessage, INBOX_TTL_MS, type InboxMessage } from '../src/bots/queue/protocol.js';
import { eventually } from './helpers/eventually.js';
import { NO_REDIS, RedisServer } from './helpers/redis.js';

/** A card-sized picture with every byte value, newlines included. */
const CARD = Buffer.concat([Buffer.from([0x0a, 0x0d, 0x00, 0xff]), randomBytes(170_000)]);

const photoAnswer = (bytes: Buffer): InboxMessage => ({
  type: 'photo',
  request: 'telegram.1.2',
  reply: { text: ['You look most like ', { bold: 'Zoë\nNewline' }], picture: { filename: 'lookalike.jpg', bytes, alt: 'You look most like Zoë' } },
  error: null,
  facts: { worker: 'w-1', faces: 1 },
});

test('an answer with a card is one JSON line and the raw bytes after it, decoded back to the same message', () => {
  const message = photoAnswer(CARD);
  const entry = encodeInboxMessage(message);
  const newline = entry.indexOf(0x0a);
  const json = JSON.parse(entry.toString('utf8', 0, newline)) as { reply: { picture: { bytes: unknown } } };
  assert.equal(json.reply.picture.bytes, CARD.length, 'the JSON holds the byte count, not the bytes');
  assert.ok(entry.length < CARD.length + 400, `no base64: ${entry.length} bytes for a ${CARD.length}-byte picture`);
  assert.ok(entry.subarray(newline + 1).equals(CARD));
  const back = decodeInboxMessage(entry);
  assert.deepEqual(back, message);
  assert.ok(back.type === 'photo' && Buffer.isBuffer(back.reply?.picture?.bytes));
  assert.equal(message.type === 'photo' && message.reply?.picture?.bytes, CARD, 'encoding leaves the message as it was');
});

test("an admin command's picture travels the same way; messages without a picture are their JSON line", () => {
  const chat: InboxMessage = {
    type: 'chat',
    request: 'discord.9',
    op: { op: 'picture', picture: { filename: 'leaderboard.png', bytes: CARD }, caption: ['Runs'] },
  };
  assert.deepEqual(decodeInboxMessage(encodeInboxMessage(chat)), chat);
  for (const message of [
    { type: 'done', request: 'r', error: null, facts: {}, follow: false },
    { type: 'end', request: 'r' },
    { type: 'photo', request: 'r', reply: { text: ['no card'], picture: null }, error: null, facts: {} },
    { type: 'photo', request: 'r', reply: null, error: { name: 'InputError', code: 'no_face', message: 'no face' }, facts: {} },
  ] as InboxMessage[]) {
    const entry = encodeInboxMessage(message);
    assert.equal(entry.toString(), `${JSON.stringify(message)}\n`);
    assert.deepEqual(decodeInboxMessage(entry), message);
  }
});

test('an entry that is not one of ours is refused: no line, foreign JSON, or picture bytes that do not match', () => {
  const entry = encodeInboxMessage(photoAnswer(CARD));
  assert.throws(() => decodeInboxMessage(Buffer.from('{"type":"photo","request":"r"}')), /no end of line/);
  assert.throws(() => decodeInboxMessage(Buffer.from('{"hello":1}\n')), /not an inbox message/);
  assert.throws(() => decodeInboxMessage(entry.subarray(0, entry.length - 1)), /picture bytes do not match/);
  assert.throws(() => decodeInboxMessage(Buffer.concat([entry, Buffer.from('x')])), /picture bytes do not match/);
  assert.throws(() => decodeInboxMessage(Buffer.from('{"type":"end","request":"r"}\nextra')), /picture bytes do not match/);
});

test(
  'through Redis: the card arrives byte for byte, the inbox has a TTL, the photo key goes with the push, nothing is left once read',
  { skip: NO_REDIS },
  async () => {
    const redis = await RedisServer.start();
    const client = new Redis(redis.url);
    const blocking = new Redis(redis.url);
    const received: InboxMessage[] = [];
    try {
      await client.set('celeb:photo-bytes:r', Buffer.from('selfie'), 'PX', 60_000);
      // Pushed before anyone reads: the entry waits in Redis, where its TTL can be seen.
      await sendToInbox(client, 'celeb:inbox:test', photoAnswer(CARD), 'celeb:photo-bytes:r');
      const ttl = await client.pttl('celeb:inbox:test');
      assert.ok(ttl > 0 && ttl <= INBOX_TTL_MS, `inbox TTL ${ttl} ms`);
      assert.equal(await client.exists('celeb:photo-bytes:r'), 0, "the photo's bytes are deleted with the push");

      const reader = new InboxReader(blocking, 'celeb:inbox:test', (m) => received.push(m), silentLogger);
      try {
        await eventually(() => (received.length > 0 ? true : undefined), 5_000, 'the answer');
      } finally {
        await reader.close();
      }
      assert.deepEqual(received, [photoAnswer(CARD)]);
      assert.equal(await client.exists('celeb:inbox:test'), 0, 'the inbox is gone once read');
    } finally {
      client.disconnect();
      blocking.disconnect();
      await redis.stop();
    }
  },
);
