import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMMAND_HELP, type CommandPath } from '../src/cli/help.js';
import { celeb, jsonLines } from './helpers/cli.js';
import { face, ROOT } from './helpers/fixtures.js';
import { tempDir } from './helpers/temp.js';

const tmp = tempDir('celeb-cli-help-');
const env = { CELEB_DB: path.join(tmp, 'celeb.db'), CELEB_WORKERS: '1' };
const commands = Object.keys(COMMAND_HELP) as CommandPath[];

test('every command and subcommand prints its own help with --help and -h, and exits 0', async () => {
  for (const command of commands) {
    for (const flag of ['--help', '-h']) {
      const r = await celeb([...command.split(' '), flag], env);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.stderr}`);
      assert.ok(r.stdout.startsWith(`Usage: celeb ${command}`), `${command} ${flag} printed:\n${r.stdout}`);
      assert.equal(r.stderr, '');
    }
  }
  // Help wins wherever it is, but not after `--`, where words are arguments.
  const late = await celeb(['which', 'photo.jpg', '--top', '2', '--help'], env);
  assert.equal(late.code, 0);
  assert.match(late.stdout, /^Usage: celeb which/);
  for (const group of ['gallery', 'data', 'eval']) {
    const r = await celeb([group, '--help'], env);
    assert.equal(r.code, 0, r.stderr);
    for (const sub of commands.filter((c) => c.startsWith(`${group} `))) assert.ok(r.stdout.includes(`celeb ${sub}`), `${group} --help lists ${sub}`);
  }
});

test('--version prints the package version; a bare `celeb` prints the overview with exit 64', async () => {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const r = await celeb(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
  const bare = await celeb([]);
  assert.equal(bare.code, 64);
  assert.match(bare.stderr, /^celeb: which celebrity do you look like\?/);
  assert.match(bare.stderr, /Commands:\n {2}which <image\.\.\.>/);
  const help = await celeb(['help', 'gallery', 'build']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: celeb gallery build/);
});

test('an unknown flag gets one line naming the flag and the command --help, exit 64', async () => {
  for (const command of commands) {
    const r = await celeb([...command.split(' '), '--frobnicate'], env);
    assert.equal(r.code, 64, `${command}: ${r.stderr}`);
    assert.equal(r.stderr, `celeb: unknown option --frobnicate; see \`celeb ${command} --help\`\n`, command);
  }
  const missing = await celeb(['which', face('ai-face'), '--top'], env);
  assert.equal(missing.code, 64);
  assert.equal(missing.stderr, 'celeb: --top needs a value; see `celeb which --help`\n');
  const unknown = await celeb(['wich', 'x.jpg'], env);
  assert.equal(unknown.code, 64);
  assert.equal(unknown.stderr, 'celeb: Unknown command "wich"; `celeb --help` lists them.\n');
});

test('--top has a documented maximum', async () => {
  assert.match(COMMAND_HELP.which, /--top N\s+matches listed per face, 1 to 10/);
  const r = await celeb(['which', face('ai-face'), '--top', '11'], env);
  assert.equal(r.code, 64);
  assert.match(r.stderr, /^celeb: --top must be a whole number from 1 to 10, got "11"/);
});

test('which echoes each image path as given, in text and JSON; JSON numbers have at most 4 decimals', async () => {
  const absolute = face('ai-face');
  const relative = path.relative(ROOT, face('cgi-model-1'));
  assert.ok(path.isAbsolute(absolute) && !path.isAbsolute(relative));
  const json = await celeb(['which', absolute, relative, '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(
    jsonLines(json.stdout).map((l) => l.image),
    [absolute, relative],
  );
  const decimals = [...json.stdout.matchAll(/\d+\.(\d+)/g)].map((m) => m[1].length);
  assert.ok(decimals.length > 0, 'the answer has fractional numbers');
  assert.ok(Math.max(...decimals) <= 4, `at most 4 decimals, got ${Math.max(...decimals)}`);
  const text = await celeb(['which', absolute], env);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stdout.startsWith(`${absolute}: 1 face`), text.stdout);
});

test('a run that does not exist: the same sentence and exit status from runs show, model use and model export', async () => {
  const answers = await Promise.all([
    celeb(['runs', 'show', '99'], env),
    celeb(['model', 'use', '99'], env),
    celeb(['model', 'export', '99', path.join(tmp, 'out')], env),
  ]);
  for (const r of answers) {
    assert.equal(r.code, 65, r.stderr);
    assert.equal(r.stderr, 'celeb: There is no run #99; `celeb runs` lists them.\n');
  }
});
