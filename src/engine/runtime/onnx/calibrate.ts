/**
 * Calibration of a graph's activations for int8 (quantize.ts): the float graph runs on real
 * inputs with every activation the quantiser reads exposed as an output, and each gets the range
 * its values fill. The result is stored as a JSON file (`Int8Calibration`) shipped beside the
 * models, so a conversion never needs photos.
 */
import { readFile } from 'node:fs/promises';
import { CelebError } from '../../../base/errors.js';
import { CONVERTER_VERSION } from './convert.js';
import { encodeModel, type OnnxGraph } from './graph.js';
import { activationRanges, quantisedActivations } from './quantize.js';
import { loadOnnxRuntime } from './session.js';

/** A calibration file: per activation tensor of the converted graph, its [min, max]. */
export interface Int8Calibration {
  /** The converter version whose tensor names these are. */
  converter: number;
  /** The percentile each range was taken at (and its mirror at the low end). */
  percentile: number;
  /** How many inputs were measured, and of what. */
  inputs: string;
  /** Activations left float on purpose (the inputs of the convolutions kept float); no range. */
  float: string[];
  ranges: Record<string, [number, number]>;
}

/** Ranges of `graph`'s quantised activations over `batches` (NHWC float inputs), at `percentile`. */
export async function calibrateGraph(
  graph: OnnxGraph,
  input: string,
  batches: readonly { data: Float32Array; shape: number[] }[],
  percentile = 0.99999,
): Promise<Map<string, [number, number]>> {
  const loaded = loadOnnxRuntime();
  if (!('ort' in loaded)) throw new CelebError('backend', loaded.error);
  const { ort } = loaded;
  const tensors = quantisedActivations(graph);
  const exposed: OnnxGraph = { ...graph, outputs: [...graph.outputs, ...tensors.map((name) => ({ name }))] };
  // No optimisation: fused or re-laid-out nodes would hide the tensors measured.
  const session = await ort.InferenceSession.create(encodeModel(exposed, 'calibration'), { graphOptimizationLevel: 'disabled' });
  const samples = new Map<string, Float32Array[]>(tensors.map((t) => [t, []]));
  try {
    for (const b of batches) {
      const out = await session.run({ [input]: new ort.Tensor('float32', b.data, b.shape) }, tensors);
      for (const t of tensors) samples.get(t)?.push(out[t].data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return activationRanges(samples, percentile);
}

/** A calibration file's ranges, refused when written for another converter version (its tensor names may differ). */
export async function readCalibration(file: string): Promise<{ ranges: Map<string, [number, number]>; text: string }> {
  const text = await readFile(file, 'utf8');
  const parsed = JSON.parse(text) as Int8Calibration;
  if (parsed.converter !== CONVERTER_VERSION) {
    throw new CelebError(
      'backbone',
      `${file} was calibrated for converter version ${parsed.converter}, this is ${CONVERTER_VERSION}: run \`celeb backbone calibrate\` again`,
    );
  }
  return { ranges: new Map(Object.entries(parsed.ranges)), text };
}
