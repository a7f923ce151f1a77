// Layers point one way. Reads every import of src/ (static, type-only, re-exports and dynamic
// import(), as TypeScript's own pre-parser finds them) and checks each against the rules below,
// so an upward import fails here instead of waiting for a review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from './helpers/fixtures.js';

const SRC = path.join(ROOT, 'src');

/** A module of src/ (path relative to src/, with `/`) and what it imports: other modules of src/, or packages. */
type ImportGraph = ReadonlyMap<string, { modules: string[]; packages: string[] }>;

interface Rule {
  /** Modules whose path (relative to src/) starts with one of these. */
  from: readonly string[];
  /** When given, the only places they may import from (path prefixes; a module's own layer must be listed). */
  only?: readonly string[];
  /** Places they must not import from. */
  never?: readonly string[];
  /** Whether npm packages are allowed (node: built-ins always are). */
  packages?: boolean;
  why: string;
}

const CLI = ['cli.ts', 'cli/'];
const CONFIG = ['config.ts', 'config/'];

const RULES: readonly Rule[] = [
  { from: ['base/'], only: ['base/'], packages: false, why: 'the bottom layer: everything may import it, it imports nothing of ours' },
  { from: ['store/'], only: ['base/', 'store/'], why: 'the store is below the engine (the engine keeps its feature cache and runs in it)' },
  {
    from: CONFIG,
    only: ['base/', ...CONFIG, 'engine/run-options.ts', 'engine/package-paths.ts'],
    why: "loading the config loads no bot, CLI, store or engine code, only the engine's option types and package folder",
  },
  {
    from: ['engine/'],
    never: ['bots/', ...CLI, 'report/', ...CONFIG, 'wiring.ts', 'index.ts'],
    why: 'the engine is used by the CLI and the bots and receives its options from them, never the other way round',
  },
  { from: ['engine/model/'], never: ['engine/gallery/', 'engine/train/'], why: 'the model format is below what builds models (gallery, training)' },
  { from: ['engine/heads/'], never: ['engine/gallery/', 'engine/train/'], why: 'the heads are below what builds models (gallery, training)' },
  { from: ['report/'], only: ['base/', 'report/', 'store/'], why: 'presentation shared by the CLI and the bots: it draws what the store holds' },
];

/** Every import that breaks a rule, as "importer -> imported (why)". */
function violations(graph: ImportGraph, rules: readonly Rule[] = RULES): string[] {
  const out: string[] = [];
  const under = (target: string, prefixes: readonly string[]) => prefixes.some((p) => target.startsWith(p));
  for (const [file, { modules, packages }] of graph) {
    for (const rule of rules.filter((r) => under(file, r.from))) {
      for (const target of modules) {
        if ((rule.only && !under(target, rule.only)) || (rule.never && under(target, rule.never))) out.push(`${file} -> ${target} (${rule.why})`);
      }
      if (rule.packages === false) for (const name of packages) out.push(`${file} -> package ${name} (${rule.why})`);
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** src/'s import graph; relative imports that do not resolve to a source file are returned apart (the rules could not judge them). */
function readGraph(): { graph: ImportGraph; unresolved: string[] } {
  const graph = new Map<string, { modules: string[]; packages: string[] }>();
  const unresolved: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const name = path.relative(SRC, file).split(path.sep).join('/');
    const entry = { modules: [] as string[], packages: [] as string[] };
    for (const { fileName: spec } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!spec.startsWith('.')) {
        if (!spec.startsWith('node:')) entry.packages.push(spec);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      if (!existsSync(target) || !target.startsWith(SRC + path.sep)) unresolved.push(`${name} -> ${spec}`);
      else entry.modules.push(path.relative(SRC, target).split(path.sep).join('/'));
    }
    graph.set(name, entry);
  }
  return { graph, unresolved };
}

test('the layers of src/ point one way: no import breaks a layering rule', () => {
  const { graph, unresolved } = readGraph();
  assert.deepEqual(unresolved, [], 'relative imports that resolve to no source file under src/');
  // The graph is really read: known imports of several layers are in it.
  assert.ok(graph.size > 200, `${graph.size} modules`);
  assert.ok(graph.get('store/shared.ts')?.modules.includes('base/errors.ts'));
  assert.ok(graph.get('engine/create.ts')?.modules.includes('store/index.ts'));
  assert.ok(graph.get('config/bots.ts')?.modules.includes('base/platforms.ts'));
  assert.ok(graph.get('cli.ts')?.modules.includes('cli/worker.ts'), 'a dynamic import()');
  for (const rule of RULES)
    assert.ok(
      [...graph.keys()].some((f) => rule.from.some((p) => f.startsWith(p))),
      `the rule for ${rule.from.join(', ')} applies to some module`,
    );
  assert.deepEqual(violations(graph), []);
});

test('the layering check flags each kind of upward import', () => {
  const graph: ImportGraph = new Map([
    ['base/errors.ts', { modules: ['engine/math.ts'], packages: ['sharp'] }],
    ['store/features.ts', { modules: ['base/box.ts', 'engine/lookalike.ts'], packages: ['better-sqlite3'] }],
    ['config/bots.ts', { modules: ['base/platforms.ts', 'bots/platforms.ts', 'engine/run-options.ts'], packages: [] }],
    ['config.ts', { modules: ['engine/create.ts'], packages: [] }],
    ['engine/create.ts', { modules: ['store/index.ts', 'config.ts', 'cli/args.ts', 'report/charts.ts'], packages: [] }],
    ['engine/model/manifest.ts', { modules: ['engine/gallery/build.ts', 'engine/heads/head.ts'], packages: [] }],
    ['report/table.ts', { modules: ['store/index.ts', 'bots/core/text.ts'], packages: ['sharp'] }],
  ]);
  assert.deepEqual(
    violations(graph).map((v) => v.replace(/ \(.*\)$/, '')),
    [
      'base/errors.ts -> engine/math.ts',
      'base/errors.ts -> package sharp',
      'store/features.ts -> engine/lookalike.ts',
      'config/bots.ts -> bots/platforms.ts',
      'config.ts -> engine/create.ts',
      'engine/create.ts -> config.ts',
      'engine/create.ts -> cli/args.ts',
      'engine/create.ts -> report/charts.ts',
      'engine/model/manifest.ts -> engine/gallery/build.ts',
      'report/table.ts -> bots/core/text.ts',
    ],
  );
});
