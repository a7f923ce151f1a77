/** Stand-ins for unit tests of the core: a Chat that records, an engine whose answers the test releases. */
import type { FaceAnswer, Prediction, RecognitionOptions } from '../../src/engine/lookalike.js';
import { plain, type RichText } from '../../src/bots/core/text.js';
import type { Chat, IncomingImage, Picture, SentMessage } from '../../src/bots/core/types.js';
import type { PhotoEngine } from '../../src/bots/core/recognize.js';
import { BotCore } from '../../src/bots/core/bot-core.js';
import { LocalRecognizer } from '../../src/bots/core/local-recognizer.js';
import { Thumbnails } from '../../src/bots/core/thumbnails.js';
import type { BotLimits } from '../../src/config.js';
import type { Logger } from '../../src/bots/log.js';
import { DEFAULT_MODEL } from './fixtures.js';

export class RecordingChat implements Chat {
  readonly replies: string[] = [];
  readonly pictures: { filename: string; caption: string }[] = [];
  readonly edits: string[] = [];

  async reply(text: RichText): Promise<SentMessage> {
    this.replies.push(plain(text));
    return { edit: async (next) => void this.edits.push(plain(next)) };
  }

  async replyWithPicture(picture: Picture, caption: RichText): Promise<void> {
    this.pictures.push({ filename: picture.filename, caption: plain(caption) });
  }

  async showWorking(): Promise<void> {}

  /** Everything said, in order of kind: texts first, then picture captions. */
  get all(): string[] {
    return [...this.replies, ...this.pictures.map((p) => p.caption)];
  }
}

export const bytesImage = (bytes: Uint8Array = new Uint8Array([1, 2, 3])): IncomingImage => ({ size: bytes.length, download: async () => bytes });

export function prediction(names: string[][]): Prediction {
  return {
    model: 'stub',
    width: 400,
    height: 300,
    detectedFaces: names.length,
    unansweredFaces: [],
    detectionPass: 'direct',
    timings: { decodeMs: 0, detectMs: 0, embedMs: 0, headMs: 0 },
    faces: names.map((matches, i) => ({
      box: [10 + i * 100, 10, 80, 80],
      score: 0.9,
      quality: { sizePx: 80, sharpness: 100, brightness: 0.5 },
      warnings: [],
      matches: matches.map((name, k) => ({ name, confidence: [0.87, 0.06, 0.03][k] ?? 0.01 })),
    })),
  };
}

/** An engine whose `which` calls wait until the test answers them. */
export class HeldEngine implements PhotoEngine {
  readonly model = { dir: '/nowhere', name: 'stub', manifest: { thumbnails: {}, labels: ['Tom Hanks', 'Will Smith', 'Brad Pitt'] } };
  readonly calls: { resolve: (p: Prediction) => void; reject: (e: unknown) => void }[] = [];

  which(_bytes: Uint8Array, _options: RecognitionOptions): Promise<Prediction> {
    return new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
  }

  answerAll(p: Prediction = prediction([['Tom Hanks', 'Will Smith', 'Brad Pitt']])): void {
    for (const call of this.calls.splice(0)) call.resolve(p);
  }
}

/** Faces numbered 1, 2, ... in the order given, as a group answer's text takes them. */
export const numbered = (faces: readonly FaceAnswer[]) => faces.map((answer, i) => ({ number: i + 1, answer }));

/** A core over `engine` in this process, for photos, /help and /who; admin commands are not wired (they fail if used). */
export function localCore(engine: PhotoEngine, limits: BotLimits, log: Logger, maxImageBytes = 1000): BotCore {
  const thumbnails = new Thumbnails(DEFAULT_MODEL);
  const recognizer = new LocalRecognizer(engine, { ...limits, thumbnails, maxImageBytes, maxImagePixels: 1e6 });
  const notWired = async () => {
    throw new Error('admin commands are not wired in this core');
  };
  return new BotCore({
    recognizer,
    admin: () => ({ train: notWired, model: notWired, leaderboard: notWired }),
    thumbnails,
    admins: { discord: [], telegram: [] },
    limits,
    maxImageBytes,
    maxImagePixels: 1e6,
    log,
  });
}
