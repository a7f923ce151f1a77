// The README shows real output: its main example and its `which --json` sample are run here
// and compared with what the README prints, so the README cannot go stale unnoticed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { celeb } from './helpers/cli.js';
import { ROOT } from './helpers/fixtures.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of a section, in order, with their language. */
function blocks(section: string): { lang: string; body: string }[] {
  const start = readme.indexOf(`\n## ${section}\n`);
  assert.ok(start >= 0, `README has a "${section}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
}

/** The arguments after `celeb --` of the first command line that runs `which`. */
function whichArgs(shell: string): string[] {
  const line = shell.split('\n').find((l) => /celeb -- which /.test(l));
  assert.ok(line, 'a `celeb -- which` command');
  return line.split('celeb -- ')[1].trim().split(/\s+/);
}

test("the README's main example prints what the README shows", async () => {
  const setup = blocks('Set-up');
  const index = setup.findIndex((b) => b.lang === 'sh' && /celeb -- which /.test(b.body));
  assert.ok(index >= 0 && setup[index + 1], 'a command block followed by its output');
  const args = whichArgs(setup[index].body);
  const r = await celeb(args, { CELEB_WORKERS: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, setup[index + 1].body, `README's output of \`celeb ${args.join(' ')}\``);
});

test("the README's `which --json` sample is that command's real output", async () => {
  const sample = blocks('Command line').find((b) => b.lang === 'json');
  assert.ok(sample, 'a JSON sample');
  const { image } = JSON.parse(sample.body) as { image: string };
  const r = await celeb(['which', image, '--json'], { CELEB_WORKERS: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, sample.body);
});
