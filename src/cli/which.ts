/** `celeb which <image...>`: who each face in a photo looks like. */
import type { AppConfig } from '../config.js';
import { mapLimited } from '../engine/concurrency.js';
import { isInputError } from '../base/errors.js';
import { percent, jsonText } from '../base/format.js';
import type { Match, Prediction } from '../engine/lookalike.js';
import { openEngine } from '../wiring.js';
import { intOption, parse, usageError } from './args.js';
import { MAX_TOP } from './help.js';

export function formatPrediction(image: string, p: Prediction): string {
  const lines = [`${image}: ${p.faces.length} face${p.faces.length === 1 ? '' : 's'} (model ${p.model})`];
  p.faces.forEach((face, i) => {
    const [x, y, w, h] = face.box;
    const [best, ...rest] = face.matches;
    // A gallery says how alike (a scale that reads the same for any gallery size); a small model, how sure.
    const score = (m: Match) => (m.similarity === undefined ? percent(m.confidence) : `${Math.round(m.similarity * 100)}% similar`);
    const also = rest.length ? `. Also: ${rest.map((m) => `${m.name} ${score(m)}`).join(', ')}` : '';
    const caveat = face.warnings.length ? ` [${face.warnings.join(', ')}: the answer may be off]` : '';
    lines.push(`  ${i + 1}. at ${x},${y} ${w}x${h}: looks most like ${best.name} (${score(best)})${also}${caveat}`);
  });
  if (p.detectedFaces > p.faces.length) lines.push(`  (${p.detectedFaces - p.faces.length} smaller faces not shown)`);
  return lines.join('\n');
}

type Answer = { image: string; prediction: Prediction } | { image: string; error: { code: string; message: string } };

/** One line per image; a refused image (missing, not a photo, no face...) is its own error line, and the others are still answered. */
export async function whichCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      top: { type: 'string' },
      'max-faces': { type: 'string' },
      crop: { type: 'boolean' },
      model: { type: 'string' },
      json: { type: 'boolean' },
    },
    'which',
  );
  if (positionals.length === 0) throw usageError('which', 'Give at least one image.');
  const top = intOption(values.top, 'top', 3, 1, MAX_TOP);
  const maxFaces = values['max-faces'] === undefined ? undefined : intOption(values['max-faces'], 'max-faces', 3, 1);
  // A few photos rank faster in JavaScript than it takes to build the onnxruntime session over the gallery.
  const engine = await openEngine(config, {
    model: values.model,
    workers: Math.min(config.workers, positionals.length),
    nativeRanking: positionals.length >= 50,
  });
  try {
    // Bounded, so a long list of images never overflows the engine's queue.
    const answers = await mapLimited(positionals, engine.workers * 2, async (image): Promise<Answer> => {
      try {
        return { image, prediction: await engine.which(image, { top, maxFaces, assumeCrop: values.crop }) };
      } catch (error) {
        if (!isInputError(error)) throw error;
        return { image, error: { code: error.code, message: error.message } };
      }
    });
    for (const result of answers) printAnswer(result, values.json ?? false);
    return answers.some((a) => 'error' in a) ? 2 : 0;
  } finally {
    await engine.close();
  }
}

/** Each image is named as the user typed it, in text and JSON alike, so scripts can match answers to arguments. */
function printAnswer(result: Answer, json: boolean): void {
  const shown = result.image;
  if ('error' in result) {
    if (json) console.log(jsonText({ image: shown, error: result.error }));
    else console.error(`${shown}: ${result.error.message} (${result.error.code})`);
    return;
  }
  const p = result.prediction;
  if (json) {
    console.log(
      jsonText({
        image: shown,
        model: p.model,
        detectedFaces: p.detectedFaces,
        detectionPass: p.detectionPass,
        faces: p.faces.map((f) => ({ box: f.box, matches: f.matches, quality: f.quality, warnings: f.warnings })),
      }),
    );
  } else {
    console.log(formatPrediction(shown, p));
  }
}
