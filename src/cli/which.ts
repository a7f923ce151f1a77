/** `celeb which <image...>`: who each face in a photo looks like. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { mapLimited } from '../engine/concurrency.js';
import { isInputError } from '../engine/errors.js';
import { LookalikeEngine, type Prediction } from '../engine/lookalike.js';
import { intOption, parse, percent, UsageError } from './args.js';

const USAGE = 'celeb which <image...> [--top 3] [--max-faces N] [--crop] [--model DIR] [--json]';

export function formatPrediction(image: string, p: Prediction): string {
  const lines = [`${image}: ${p.faces.length} face${p.faces.length === 1 ? '' : 's'} (model ${p.model})`];
  p.faces.forEach((face, i) => {
    const [x, y, w, h] = face.box;
    const [best, ...rest] = face.matches;
    const also = rest.length ? `. Also: ${rest.map((m) => `${m.name} ${percent(m.confidence)}`).join(', ')}` : '';
    lines.push(`  ${i + 1}. at ${x},${y} ${w}x${h}: looks most like ${best.name} (${percent(best.confidence)})${also}`);
  });
  if (p.detectedFaces > p.faces.length) lines.push(`  (${p.detectedFaces - p.faces.length} smaller faces not shown)`);
  return lines.join('\n');
}

export async function whichCommand(argv: string[], config: AppConfig, defaultModelDir: string): Promise<number> {
  const { values, positionals } = parse(argv, {
    top: { type: 'string' }, 'max-faces': { type: 'string' }, crop: { type: 'boolean' }, model: { type: 'string' }, json: { type: 'boolean' },
  }, USAGE);
  if (positionals.length === 0) throw new UsageError(`Give at least one image.\n\nUsage: ${USAGE}`);
  const top = intOption(values.top, 'top', 3, 1);
  const maxFaces = values['max-faces'] === undefined ? undefined : intOption(values['max-faces'], 'max-faces', 3, 1);
  // Read every file first: a wrong path is a usage error, reported before the workers start.
  const inputs = await Promise.all(positionals.map((image) => readFile(image).then((bytes) => ({ image, bytes }), () => {
    throw new UsageError(`Cannot read ${image}`);
  })));
  const engine = await LookalikeEngine.open(values.model ?? defaultModelDir, {
    backend: config.backend, onnxThreads: config.onnxThreads, workers: Math.min(config.workers, positionals.length),
    limits: { maxBytes: config.maxImageBytes, maxPixels: config.maxImagePixels, maxSide: 1024 },
  });
  let exitCode = 0;
  try {
    type Answer = { image: string; prediction: Prediction } | { image: string; error: { code: string; message: string } };
    // Bounded, so a long list of images never overflows the pool's queue.
    const answers = mapLimited(inputs, engine.pool.size * 2, async ({ image, bytes }): Promise<Answer> => {
      try {
        return { image, prediction: await engine.which(bytes, { top, maxFaces, assumeCrop: values.crop }) };
      } catch (error) {
        if (!isInputError(error)) throw error;
        return { image, error: { code: error.code, message: error.message } };
      }
    });
    for (const result of await answers) {
      const shown = path.relative(process.cwd(), result.image) || result.image;
      if ('error' in result) {
        exitCode = 2;
        if (values.json) console.log(JSON.stringify({ image: shown, error: result.error }));
        else console.error(`${shown}: ${result.error.message} (${result.error.code})`);
        continue;
      }
      const p = result.prediction;
      if (values.json) {
        console.log(JSON.stringify({ image: shown, model: p.model, faces: p.faces.map((f) => ({ box: f.box, matches: f.matches })) }));
      } else {
        console.log(formatPrediction(shown, p));
      }
    }
  } finally {
    await engine.close();
  }
  return exitCode;
}
