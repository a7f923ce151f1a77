// The operator kit without a Docker daemon: the Dockerfile copies files that exist and runs the
// README's own commands, .env.example documents every variable the config reads, and compose.yaml
// and the systemd unit agree with them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { botSecrets, loadBotConfig, loadConfig, parseDotEnv } from '../src/config.js';
import { PLATFORM_FACTS, PLATFORM_IDS } from '../src/base/platforms.js';
import { ROOT } from './helpers/fixtures.js';

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped; `stage` counts FROM lines. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    pending += (pending ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const [keyword, ...rest] = pending.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage++;
    out.push({ stage, keyword: keyword.toUpperCase(), args: rest.join(' ') });
    pending = '';
  }
  return out;
}

/** Exec form `["node", "x.js"]` or shell form, as one command line. */
const commandLine = (args: string): string => (args.trim().startsWith('[') ? (JSON.parse(args) as string[]).join(' ') : args.trim());

/** Every command line in the README's code blocks: prompts, `sudo` and trailing comments removed, spaces normalised. */
function readmeCommands(): Set<string> {
  const commands = new Set<string>();
  let inBlock = false;
  for (const line of read('README.md').split('\n')) {
    if (line.startsWith('```')) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    const command = line
      .replace(/^\$ /, '')
      .replace(/\s+#.*$/, '')
      .replace(/^sudo /, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (command) commands.add(command);
  }
  return commands;
}

/** Image housekeeping that has no place in an install guide: package lists, the volume's owner. */
const IMAGE_ONLY = new Set(['apt-get update', 'rm -rf /var/lib/apt/lists/*', 'mkdir -p /data', 'chown node:node /data']);

const dockerfile = instructions(read('Dockerfile'));

test('the Dockerfile: two stages on node:20-bookworm-slim, a compiler in the build stage, a non-root runtime with one data volume and a health check', () => {
  const froms = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args);
  assert.deepEqual(froms, ['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
  const buildRuns = dockerfile.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
  assert.ok(
    buildRuns.some((r) => /apt-get install .*\bpython3\b.*\bmake\b.*\bg\+\+/.test(r)),
    'python3, make and g++ to compile better-sqlite3',
  );
  assert.deepEqual(
    buildRuns.filter((r) => r.startsWith('npm ')),
    ['npm install -g npm@11.19.1', 'npm ci --no-audit --no-fund', 'npm run build', 'npm prune --omit=dev'],
  );
  const runtime = dockerfile.filter((i) => i.stage === 1);
  const user = runtime.find((i) => i.keyword === 'USER')?.args;
  assert.ok(user && user !== 'root' && user !== '0', `runs as ${user}`);
  assert.ok(!runtime.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args)), 'nothing is installed in the runtime stage');
  const env = Object.fromEntries(
    runtime
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => i.args.split(/\s+/))
      .map((pair) => pair.split('=') as [string, string]),
  );
  const volumes = runtime.filter((i) => i.keyword === 'VOLUME').map((i) => JSON.parse(i.args) as string[]);
  assert.deepEqual(volumes, [[env.CELEB_DATA_DIR]], 'one volume: the data directory');
  assert.equal(runtime.find((i) => i.keyword === 'EXPOSE')?.args, env.CELEB_HTTP_PORT);
  assert.equal(env.CELEB_HTTP_HOST, '0.0.0.0', 'reachable from outside the container');
  // Every variable the image sets is one the program reads (and so is documented in .env.example).
  const documented = parseDotEnv(read('.env.example'));
  for (const key of Object.keys(env).filter((k) => k.startsWith('CELEB_'))) assert.ok(key in documented, key);
  const health = runtime.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
  assert.match(health, /CMD \["node", "dist\/src\/cli\.js", "health"\]$/);
});

test('every file the Dockerfile copies from the build context exists and is not excluded by .dockerignore', () => {
  const ignored = read('.dockerignore')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
  const copies = dockerfile.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='));
  assert.ok(copies.length >= 5);
  for (const copy of copies) {
    const sources = copy.args
      .split(/\s+/)
      .filter((a) => !a.startsWith('--'))
      .slice(0, -1);
    for (const source of sources) {
      assert.ok(existsSync(path.join(ROOT, source)), `${source} exists`);
      assert.ok(!ignored.includes(source), `${source} is not in .dockerignore`);
    }
  }
  // What the runtime stage takes from the build stage was copied there or made by npm ci / the build.
  const built = new Set(['node_modules', 'dist', ...copies.flatMap((c) => c.args.split(/\s+/).slice(0, -1))]);
  for (const copy of dockerfile.filter((i) => i.keyword === 'COPY' && i.args.includes('--from=build'))) {
    for (const source of copy.args
      .split(/\s+/)
      .filter((a) => !a.startsWith('--'))
      .slice(0, -1)) {
      const top = source.replace(/^\/app\//, '').split('/')[0];
      assert.ok(source.startsWith('/app/') && built.has(top), `${source} comes from the build stage`);
    }
  }
  assert.ok(existsSync(path.join(ROOT, 'dist', 'src', 'bots', 'main.js')), 'the CMD script is what the build makes');
});

test("the Dockerfile's RUN, CMD and HEALTHCHECK commands are the README's own", () => {
  const readme = readmeCommands();
  const commands = dockerfile.flatMap((i) => {
    if (i.keyword === 'RUN') return i.args.split('&&').map((c) => c.trim());
    if (i.keyword === 'CMD') return [commandLine(i.args)];
    if (i.keyword === 'HEALTHCHECK') return [commandLine(i.args.slice(i.args.indexOf('CMD ') + 4))];
    return [];
  });
  assert.ok(commands.length >= 8);
  const missing = commands.filter((c) => !IMAGE_ONLY.has(c) && !readme.has(c.replace(/\s+/g, ' ')));
  assert.deepEqual(missing, [], 'commands the README does not give');
});

test('.env.example documents every variable config reads (src/config.ts, src/config/) and the platform registry names, with no secret filled in, and loads as it is', () => {
  const source = ['src/config.ts', ...readdirSync(path.join(ROOT, 'src', 'config')).map((f) => `src/config/${f}`)].map(read).join('\n');
  const read_ = new Set([...source.matchAll(/env\.([A-Z][A-Z0-9_]+)/g), ...source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]));
  for (const id of PLATFORM_IDS) for (const key of Object.values(PLATFORM_FACTS[id].env)) read_.add(key);
  // The operating system's own variables, read to find its per-user data folder (config/paths.ts): not settings of ours.
  for (const key of ['XDG_DATA_HOME', 'LOCALAPPDATA']) assert.ok(read_.delete(key), `${key} is read where the data folder is found`);
  assert.ok(read_.size >= 25, [...read_].join(', '));
  const example = parseDotEnv(read('.env.example'));
  const missing = [...read_].filter((key) => !(key in example));
  assert.deepEqual(missing, [], 'variables without a line in .env.example');
  assert.deepEqual(botSecrets(example), [], 'no token or secret filled in');
  // Copied as it is, it is a valid configuration (the bot then says which token to set).
  const config = loadConfig(example, 2);
  assert.equal(config.http, null);
  assert.equal(loadBotConfig(example, config.workers).telegram, null);
});

test('compose.yaml runs Redis without persistence, the front end on the queue and `celeb worker`s; the systemd unit runs the README command', () => {
  const compose = read('compose.yaml');
  const commands = [...compose.matchAll(/^\s+command: (\[.*\])$/gm)].map((m) => JSON.parse(m[1]) as string[]);
  assert.deepEqual(commands[0], ['redis-server', '--save', '', '--appendonly', 'no']);
  assert.ok(
    commands.some((c) => c.join(' ') === 'node dist/src/cli.js worker'),
    'workers run celeb worker',
  );
  assert.match(compose, /^ {2}bot:\n(?: {4}.*\n)*? {6}CELEB_QUEUE_URL: redis:\/\/redis:6379$/m);
  const unit = read('deploy/celeb-bot.service');
  const exec = unit.match(/^ExecStart=(.*)$/m)?.[1].replace(/^\/usr\/bin\//, '');
  assert.ok(exec && readmeCommands().has(exec), `ExecStart ${exec} is the README's command`);
  assert.match(unit, /^User=(?!root)\w+$/m);
  assert.match(unit, /^Environment=CELEB_DATA_DIR=\/var\/lib\/celeb-lookalike$/m);
  assert.match(unit, /^StateDirectory=celeb-lookalike$/m);
});

test("the worker unit template runs the README's `celeb worker` command, one thread, held to the core its instance names", () => {
  const unit = read('deploy/celeb-worker@.service');
  const exec = unit.match(/^ExecStart=(.*)$/m)?.[1].replace(/^\/usr\/bin\//, '');
  assert.equal(exec, 'node dist/src/cli.js worker');
  assert.ok(readmeCommands().has(exec), 'the README shows the command');
  assert.match(unit, /^CPUAffinity=%i$/m);
  assert.match(unit, /^Environment=CELEB_WORKERS=1$/m);
  assert.match(unit, /^Environment=CELEB_ONNX_THREADS=1$/m);
  assert.match(unit, /^User=(?!root)\w+$/m);
  assert.ok(read('README.md').includes('deploy/celeb-worker@.service'), 'the README points to it');
});
