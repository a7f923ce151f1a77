// Start-up failures name what failed: the network is not the token. The errors come from the real
// clients (telegraf, discord.js REST) against a port where nothing listens and the fake Bot API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client, GatewayIntentBits, REST } from 'discord.js';
import { Telegraf } from 'telegraf';
import { startFailureKind, startFailureMessage } from '../src/bots/start-failure.js';
import { FakeDiscordServer } from './fakes/discord-api.js';
import { FakeTelegramServer } from './fakes/telegram-api.js';

/** A port that refuses connections: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const caught = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  assert.fail('expected a failure');
};

test('an unreachable Telegram API is a network failure that names the host, not the token', async () => {
  const port = await closedPort();
  const root = `http://127.0.0.1:${port}`;
  const error = await caught(() => new Telegraf('123:abc', { telegram: { apiRoot: `${root}/` } }).telegram.getMe());
  assert.deepEqual(startFailureKind(error), { kind: 'network', detail: 'ECONNREFUSED' });
  const { message } = startFailureMessage('telegram', root, error);
  assert.equal(
    message,
    `The telegram bot could not start: cannot reach 127.0.0.1:${port} (network: ECONNREFUSED). Check the machine's network or proxy and TELEGRAM_API_ROOT (${root}).`,
  );
  assert.match(
    startFailureMessage('telegram', null, error).message,
    /cannot reach api\.telegram\.org \(network: ECONNREFUSED\)\. Check the machine's network or proxy\.$/,
  );
});

test('a token Telegram refuses is a token failure that names TELEGRAM_TOKEN', async () => {
  const fake = await FakeTelegramServer.start();
  try {
    const error = await caught(() => new Telegraf('999:wrong', { telegram: { apiRoot: `${fake.apiRoot}/` } }).telegram.getMe());
    const { kind, message } = startFailureMessage('telegram', null, error);
    assert.equal(kind, 'token');
    assert.match(
      message,
      /^The telegram bot could not start: Telegram refused the token \(401: Unauthorized\)\. Check TELEGRAM_TOKEN \(the "123456:ABC\.\.\." string @BotFather gave you\)\.$/,
    );
  } finally {
    await fake.stop();
  }
});

test('Discord: an unreachable API is the network, an invalid token is the token', async () => {
  const port = await closedPort();
  const rest = new REST({ api: `http://127.0.0.1:${port}/api`, retries: 0, timeout: 5000 }).setToken('a.b.c');
  const unreachable = await caught(() => rest.get('/gateway/bot'));
  assert.equal(startFailureKind(unreachable).kind, 'network');
  assert.match(
    startFailureMessage('discord', null, unreachable).message,
    /^The discord bot could not start: cannot reach discord\.com \(network: ECONNREFUSED\)/,
  );
  const fake = await FakeDiscordServer.start();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restRoot, retries: 0 } });
  try {
    const invalid = await caught(() => client.login('wrong.token.value'));
    const { kind, message } = startFailureMessage('discord', fake.restRoot, invalid);
    assert.equal(kind, 'token', String(invalid));
    assert.match(
      message,
      /^The discord bot could not start: Discord refused the token \(.+\)\. Check DISCORD_TOKEN \(Developer Portal.*\) and DISCORD_API_ROOT/,
    );
  } finally {
    await client.destroy();
    await fake.stop();
  }
});
