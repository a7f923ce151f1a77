// Runs the real telegraf and discord.js clients against the local fakes in test/fakes/,
// proving the fakes speak the protocols well enough for end-to-end bot tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { Telegraf, TelegramError } from 'telegraf';
import { message } from 'telegraf/filters';
import { ApplicationCommandOptionType, ChannelType, Client, Events, GatewayIntentBits, GatewayOpcodes, MessageFlags, Partials } from 'discord.js';
import { FakeTelegramServer } from './fakes/telegram-api.js';
import { FakeDiscordServer } from './fakes/discord-api.js';

/**
 * Node --test hangs on leftover sockets, so each test checks that none survive. Closing is
 * asynchronous on the client side, hence the short grace period.
 */
async function assertNoOpenSockets(): Promise<void> {
  const openSockets = (): string[] => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP'));
  for (let i = 0; i < 20 && openSockets().length > 0; i++) await sleep(25);
  assert.deepEqual(openSockets(), [], 'sockets still open after shutdown');
}

test('telegraf polls the fake Telegram API, downloads a photo and answers with photo, text and an edit', { timeout: 20_000 }, async () => {
  const fake = await FakeTelegramServer.start();
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
  const handlerErrors: unknown[] = [];
  bot.catch((error) => {
    handlerErrors.push(error);
  });

  const photoBytes = randomBytes(3000);
  const resultBytes = randomBytes(2000);
  const thumb = fake.addFile(randomBytes(100));
  const photo = fake.addFile(photoBytes, { fileName: 'face.jpg', width: 800, height: 600 });
  const huge = fake.addFile(Buffer.from('stand-in bytes'), { fileSize: 25 * 1024 * 1024, fileName: 'huge.jpg' });
  const downloads: Buffer[] = [];

  bot.start((ctx) => ctx.reply('Send me a photo'));
  bot.on(message('photo'), async (ctx) => {
    const largest = ctx.message.photo[ctx.message.photo.length - 1];
    const link = await ctx.telegram.getFileLink(largest.file_id);
    const response = await fetch(link);
    downloads.push(Buffer.from(await response.arrayBuffer()));
    await ctx.sendChatAction('upload_photo');
    await ctx.replyWithPhoto({ source: resultBytes }, { caption: 'You look like Test Celebrity' });
    const status = await ctx.reply('Details: working');
    await ctx.telegram.editMessageText(ctx.chat.id, status.message_id, undefined, 'Details: done');
  });
  bot.on(message('document'), async (ctx) => {
    try {
      await ctx.telegram.getFileLink(ctx.message.document.file_id);
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      await ctx.reply(`Could not download: ${error.description}`);
    }
  });

  // launch() only settles when polling stops; its outcome is checked after bot.stop().
  const launchOutcome = bot.launch().then(
    () => 'stopped',
    (error: unknown) => error,
  );
  try {
    await fake.waitForCall('deleteWebhook'); // launch got through getMe and is starting to poll
    await bot.telegram.setMyCommands([{ command: 'start', description: 'How to use the bot' }]);
    fake.sendUserMessage({ chatId: 42, userId: 42, text: '/start' });
    const welcome = await fake.waitForCall('sendMessage', (call) => call.params.text === 'Send me a photo');
    assert.equal(welcome.params.chat_id, 42);

    const update = fake.sendUserMessage({ chatId: 42, userId: 42, photo: [thumb.file_id, photo.file_id], caption: 'me' });
    assert.deepEqual(
      update.message.photo?.map((size) => size.width),
      [640, 800],
    );
    const edit = await fake.waitForCall('editMessageText', () => true, 5000);
    assert.deepEqual(downloads, [photoBytes], 'the bot downloaded exactly the bytes of the largest size');
    assert.equal(fake.callsTo('getFile')[0].params.file_id, photo.file_id);
    assert.deepEqual(fake.downloads, [(fake.callsTo('getFile')[0].result as { file_path: string }).file_path]);
    assert.equal(fake.callsTo('sendChatAction')[0].params.action, 'upload_photo');

    const sentPhoto = fake.callsTo('sendPhoto')[0];
    assert.equal(sentPhoto.params.caption, 'You look like Test Celebrity');
    assert.equal(sentPhoto.params.chat_id, '42', 'multipart fields arrive as strings');
    assert.equal(sentPhoto.files.length, 1);
    assert.equal(sentPhoto.files[0].field, 'photo');
    assert.ok(sentPhoto.files[0].bytes.equals(resultBytes), 'uploaded photo bytes intact');
    assert.ok(Array.isArray((sentPhoto.result as { photo?: unknown }).photo), 'sendPhoto answers with a photo array');

    const status = fake.callsTo('sendMessage').find((call) => call.params.text === 'Details: working');
    assert.ok(status);
    assert.equal(edit.params.message_id, (status.result as { message_id: number }).message_id);
    assert.equal(edit.params.text, 'Details: done');
    assert.ok(update.message.message_id < (status.result as { message_id: number }).message_id);

    // Files over 20 MB: getFile fails the way the real API does, both directly and inside a handler.
    await assert.rejects(
      bot.telegram.getFile(huge.file_id),
      (error: unknown) => error instanceof TelegramError && error.code === 400 && error.description === 'Bad Request: file is too big',
    );
    fake.sendUserMessage({ chatId: 42, userId: 42, document: { fileId: huge.file_id, mimeType: 'image/jpeg', fileName: 'huge.jpg' } });
    await fake.waitForCall('sendMessage', (call) => call.params.text === 'Could not download: Bad Request: file is too big');

    // Uploading a document, and the real API's refusal of an edit that changes nothing.
    const document = await bot.telegram.sendDocument(42, { source: Buffer.from('report'), filename: 'report.txt' });
    assert.equal(document.document.file_name, 'report.txt');
    assert.ok(fake.callsTo('sendDocument')[0].files[0].bytes.equals(Buffer.from('report')));
    await assert.rejects(
      bot.telegram.editMessageText(42, edit.params.message_id, undefined, 'Details: done'),
      (error: unknown) => error instanceof TelegramError && /message is not modified/.test(error.description),
    );

    // Methods the fake does not implement are refused and recorded, so a test can spot them.
    await assert.rejects(bot.telegram.sendDice(42), (error: unknown) => error instanceof TelegramError && error.code === 404);
    assert.equal(fake.callsTo('sendDice')[0].error?.code, 404);
  } finally {
    try {
      bot.stop('test finished');
    } catch {
      // "Bot is not running!": launch failed, and launchOutcome holds the reason.
    }
    await launchOutcome;
    await fake.stop();
  }

  assert.equal(await launchOutcome, 'stopped');

  assert.deepEqual(handlerErrors, []);
  // Updates are confirmed through `offset`, so none was delivered twice.
  assert.equal(fake.callsTo('sendMessage').filter((call) => call.params.text === 'Send me a photo').length, 1);
  assert.ok(fake.callsTo('getMe').length >= 1 && fake.callsTo('deleteWebhook').length === 1);
  assert.deepEqual(fake.callsTo('setMyCommands')[0].params.commands, [{ command: 'start', description: 'How to use the bot' }]);
  await assertNoOpenSockets();
});

test('discord.js logs in to the fake Discord, answers a slash command with a file and replies to messages', { timeout: 20_000 }, async () => {
  const fake = await FakeDiscordServer.start({ heartbeatIntervalMs: 200 });
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages, GatewayIntentBits.MessageContent],
    // DM channels are not in discord.js's cache; without this partial, DM messages are dropped.
    partials: [Partials.Channel],
    rest: { api: fake.restRoot },
  });
  const handlerErrors: unknown[] = [];
  // discord.js does not await listeners, so a failing handler would be an unhandled rejection.
  const guarded =
    <A extends unknown[]>(handler: (...args: A) => Promise<void>) =>
    (...args: A): void => {
      handler(...args).catch((error: unknown) => handlerErrors.push(error));
    };
  const download = async (url: string): Promise<Buffer> => Buffer.from(await (await fetch(url)).arrayBuffer());

  const photoBytes = randomBytes(4000);
  const resultBytes = randomBytes(3000);
  const downloads: Buffer[] = [];
  const helpReplies: string[] = [];
  client.on(
    Events.InteractionCreate,
    guarded(async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      if (interaction.commandName === 'help') {
        const response = await interaction.reply({ content: 'Send /lookalike with a photo', flags: MessageFlags.Ephemeral, withResponse: true });
        helpReplies.push(response.resource?.message?.content ?? '(no message)');
        await interaction.followUp({ content: 'Example result:', files: [{ attachment: resultBytes, name: 'example.png' }] });
        return;
      }
      const photo = interaction.options.getAttachment('photo', true);
      await interaction.deferReply();
      downloads.push(await download(photo.url));
      await interaction.editReply({ content: 'You look like Test Celebrity', files: [resultBytes] });
    }),
  );
  client.on(
    Events.MessageCreate,
    guarded(async (msg) => {
      if (msg.author.bot) return;
      const inDm = msg.channel.type === ChannelType.DM;
      if (!inDm && !msg.mentions.users.has(msg.client.user.id)) return;
      const photo = msg.attachments.first();
      if (photo) downloads.push(await download(photo.url));
      if (msg.channel.isSendable()) await msg.channel.sendTyping();
      await msg.reply({ content: `Got ${photo?.name ?? 'no photo'}`, files: [resultBytes] });
    }),
  );

  const ready = once(client, Events.ClientReady, { signal: AbortSignal.timeout(5000) });
  try {
    await client.login(fake.token);
    await ready;
    assert.equal(client.user?.id, fake.bot.id);
    assert.equal(client.application?.id, fake.applicationId);
    assert.equal(client.guilds.cache.get(fake.guildId)?.available, true, 'GUILD_CREATE arrived');
    assert.deepEqual(fake.gatewayEvents[0], { kind: 'connect', query: { v: '10', encoding: 'json' } });
    const identify = fake.gatewayEvents.find((e) => e.kind === 'receive' && e.op === GatewayOpcodes.Identify);
    assert.ok(identify?.kind === 'receive');
    assert.equal((identify.d as { intents: number }).intents, client.options.intents.bitfield);
    await fake.waitForGateway((e) => e.kind === 'receive' && e.op === GatewayOpcodes.Heartbeat);

    const lookalike = {
      name: 'lookalike',
      description: 'Find your celebrity look-alike',
      options: [{ type: ApplicationCommandOptionType.Attachment as const, name: 'photo', description: 'A photo of a face', required: true }],
    };
    await client.application?.commands.set([lookalike]);
    await client.application?.commands.set([lookalike], fake.guildId);
    assert.equal(fake.commands.get('global')?.[0].name, 'lookalike');
    assert.equal(fake.commands.get(fake.guildId)?.[0].options?.[0].name, 'photo');

    // Slash command with an attachment option: defer, then edit the reply with a file.
    const photo = fake.addAttachment(photoBytes, 'face.png', 'image/png', { width: 64, height: 64 });
    const interaction = fake.dispatchInteraction({
      commandName: 'lookalike',
      options: [{ name: 'photo', type: 'attachment', attachment: photo }],
      guildId: fake.guildId,
    });
    const callback = await fake.waitForCall((c) => c.path === `/interactions/${interaction.id}/${interaction.token}/callback`);
    assert.equal(callback.status, 204);
    assert.equal((callback.body as { type: number }).type, 5, 'deferred reply');
    const edit = await fake.waitForCall((c) => c.method === 'PATCH' && c.path.endsWith(`/${interaction.token}/messages/@original`), 5000);
    assert.equal(edit.status, 200);
    assert.equal((edit.body as { content: string }).content, 'You look like Test Celebrity');
    assert.equal(edit.files.length, 1);
    assert.equal(edit.files[0].field, 'files[0]');
    assert.ok(edit.files[0].bytes.equals(resultBytes), 'uploaded bytes intact');
    assert.deepEqual(downloads, [photoBytes]);

    // A command used in a DM: an immediate ephemeral reply (asking for the response) and a follow-up with a file.
    const help = fake.dispatchInteraction({ commandName: 'help' });
    const followUp = await fake.waitForCall((c) => c.method === 'POST' && c.path.endsWith(`/webhooks/${fake.applicationId}/${help.token}`), 5000);
    const helpCallback = fake.calls.find((c) => c.path === `/interactions/${help.id}/${help.token}/callback`);
    const helpBody = helpCallback?.body as { type: number; data: { content: string; flags: number } };
    assert.equal(helpBody.type, 4, 'immediate reply');
    assert.equal(helpBody.data.content, 'Send /lookalike with a photo');
    assert.equal(helpBody.data.flags, MessageFlags.Ephemeral);
    assert.equal(helpCallback?.query.with_response, 'true');
    assert.deepEqual(helpReplies, ['Send /lookalike with a photo']);
    assert.equal(followUp.query.wait, 'true');
    assert.equal(followUp.files[0].fileName, 'example.png');

    // A guild message that mentions the bot, with an attachment: typing, then a reply.
    const second = fake.addAttachment(randomBytes(500), 'friend.jpg', 'image/jpeg');
    const posted = fake.dispatchMessage({ content: `<@${fake.bot.id}> who is this?`, guildId: fake.guildId, attachments: [second] });
    const reply = await fake.waitForCall((c) => c.method === 'POST' && c.path === `/channels/${fake.channelId}/messages`, 5000);
    assert.equal(reply.status, 200);
    assert.equal((reply.body as { content: string }).content, 'Got friend.jpg');
    assert.equal((reply.body as { message_reference: { message_id: string } }).message_reference.message_id, posted.id);
    assert.ok(reply.files[0].bytes.equals(resultBytes));
    assert.ok(fake.calls.some((c) => c.path === `/channels/${fake.channelId}/typing` && c.status === 204));

    // Messages without a mention are ignored in guilds; in a DM every message counts.
    fake.dispatchMessage({ content: 'just chatting', guildId: fake.guildId });
    const dm = fake.dispatchMessage({ content: 'hello in private' });
    const dmReply = await fake.waitForCall((c) => c.path === `/channels/${dm.channel_id}/messages`, 5000);
    assert.equal((dmReply.body as { content: string }).content, 'Got no photo');
    assert.equal(fake.calls.filter((c) => c.path === `/channels/${fake.channelId}/messages`).length, 1);
  } finally {
    await client.destroy();
    await fake.stop();
  }

  assert.deepEqual(handlerErrors, []);
  assert.equal(fake.downloads.length, 2);
  assert.ok(
    fake.gatewayEvents.some((e) => e.kind === 'close' && e.code === 1000),
    'client closed the gateway normally',
  );
  await assertNoOpenSockets();
});
