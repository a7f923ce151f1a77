/** Talking to the bot through the fake Telegram server as a user would, and reading its answers. */
import type { FakeTelegramServer, TelegramCall, UserUpdate } from '../fakes/telegram-api.js';
import { eventually } from './bots.js';

let nextUser = 5000;
/** A fresh, non-admin Telegram user id. */
export const newUserId = (): number => nextUser++;

export function sendPhoto(
  fake: FakeTelegramServer,
  userId: number,
  bytes: Buffer,
  options: { chatId?: number; caption?: string; fileName?: string; deliver?: boolean } = {},
): UserUpdate {
  const file = fake.addFile(bytes, { fileName: options.fileName ?? 'photo.jpg' });
  return fake.sendUserMessage({ chatId: options.chatId ?? userId, userId, photo: [file.file_id], caption: options.caption, deliver: options.deliver });
}

export function sendDocument(fake: FakeTelegramServer, userId: number, bytes: Buffer, fileName: string, mimeType: string, fileSize?: number): UserUpdate {
  const file = fake.addFile(bytes, { fileName, fileSize });
  return fake.sendUserMessage({ chatId: userId, userId, document: { fileId: file.file_id, fileName, mimeType } });
}

export const sendText = (fake: FakeTelegramServer, userId: number, text: string, chatId = userId): UserUpdate => fake.sendUserMessage({ chatId, userId, text });

/** The message id a bot call answers (reply_parameters), if any. */
export function repliesTo(call: TelegramCall): number | undefined {
  const parameters = call.params.reply_parameters as { message_id?: number | string } | undefined;
  return parameters?.message_id === undefined ? undefined : Number(parameters.message_id);
}

const ANSWERS = new Set(['sendMessage', 'sendPhoto']);

/** Every sendMessage/sendPhoto answering this update, in order. */
export const answersTo = (fake: FakeTelegramServer, update: UserUpdate): TelegramCall[] =>
  fake.calls.filter((c) => ANSWERS.has(c.method) && !c.error && repliesTo(c) === update.message.message_id);

/** Waits for the first answer of `method` to this update. */
export function answerTo(
  fake: FakeTelegramServer,
  update: UserUpdate,
  method: 'sendMessage' | 'sendPhoto' = 'sendMessage',
  timeoutMs = 15_000,
): Promise<TelegramCall> {
  return fake.waitForCall(method, (c) => !c.error && repliesTo(c) === update.message.message_id, timeoutMs);
}

/** Waits for any answer (text or photo) to this update. */
export function anyAnswerTo(fake: FakeTelegramServer, update: UserUpdate, timeoutMs = 15_000): Promise<TelegramCall> {
  return eventually(() => answersTo(fake, update)[0], timeoutMs, `an answer to message ${update.message.message_id}`);
}

/** Text of a sendMessage or caption of a sendPhoto. */
export const textOf = (call: TelegramCall): string => {
  const text = call.params.text ?? call.params.caption;
  return typeof text === 'string' ? text : '';
};

/** The message id the bot's message got. */
export const sentId = (call: TelegramCall): number => (call.result as { message_id: number }).message_id;
