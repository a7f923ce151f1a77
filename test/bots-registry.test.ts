// The platform registry is the one place the config, the logs and the texts take platform facts from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { botSecrets, loadBotConfig } from '../src/config.js';
import { NoBotConfiguredError } from '../src/bots/app.js';
import { plain } from '../src/bots/core/text.js';
import { notAdminText } from '../src/bots/core/texts/training.js';
import { scrub } from '../src/bots/log.js';
import { PLATFORM_IDS } from '../src/base/platforms.js';
import { PLATFORMS } from '../src/bots/platforms.js';

/** A well-formed token per platform, as its owner would paste it. */
const TOKENS = { telegram: '123456:AAbbCCddEEffGGhhIIjjKKllMMnnOOppQQr', discord: 'MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB' };

test('every registered platform is configured, named and scrubbed through its registry entry', () => {
  for (const id of PLATFORM_IDS) {
    const spec = PLATFORMS[id];
    const token = TOKENS[id];
    assert.match(token, spec.tokenPattern, id);
    const env = { [spec.env.token]: token, [spec.env.admins]: '42', [spec.env.apiRoot]: 'http://127.0.0.1:9/x/' };
    const config = loadBotConfig(env, 2);
    // Discord's own settings (guild, shards) are not the registry's.
    const common = { ...config[id], guildId: undefined, shards: undefined };
    assert.deepEqual(common, { token, adminIds: ['42'], apiRoot: 'http://127.0.0.1:9/x', guildId: undefined, shards: undefined }, id);
    assert.deepEqual(botSecrets(env), [token]);
    // A token nobody configured is still caught by its shape.
    assert.equal(scrub(`failed with ${token} in it`, []), 'failed with [redacted] in it', id);
    assert.match(plain(notAdminText(id, '7')), new RegExp(`add it to ${spec.env.admins}\\.\\)$`));
    assert.ok(new NoBotConfiguredError().message.includes(spec.env.token), id);
    assert.ok(spec.syntax.train.startsWith('/'));
  }
  assert.equal(scrub('GET /bot123456:secret/getMe', []), 'GET /bot[redacted]/getMe', 'token-bearing URL paths');
});
