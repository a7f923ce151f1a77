/**
 * Calibrates an int8 backbone (`int8` in its spec) on aligned face crops: each crop
 * and its mirror image, fitted to the network as `Backbone.embed` feeds it, run through the
 * float graph (runtime/onnx/calibrate.ts). The caller writes the result.
 */
import { CelebError } from '../../base/errors.js';
import type { FacePixels } from '../image/face-pixels.js';
import { calibrateGraph, type Int8Calibration } from '../runtime/onnx/calibrate.js';
import { CONVERTER_VERSION, convertSourceToGraph } from '../runtime/onnx/convert.js';
import { readGraphSource } from '../runtime/onnx/cache.js';
import { INT8_BACKBONES } from './registry.js';
import { faceApiGraph } from './faceapi-graph.js';
import { fitInto } from './network-input.js';
import type { BackboneSpec } from './spec.js';

export const notInt8 = (id: string): string => `${id} is not an int8 backbone (${INT8_BACKBONES.join(', ')} are)`;

/** The percentile each activation range is taken at (the shipped calibrations' choice; on faceres 0.9999 gave the same cosines). */
export const CALIBRATION_PERCENTILE = 0.99999;

export async function calibrateBackbone(spec: BackboneSpec, crops: readonly FacePixels[], describeInputs: string): Promise<Int8Calibration> {
  if (!spec.int8 || (spec.format !== 'faceapi' && spec.format !== 'graph')) throw new CelebError('backbone', notInt8(spec.id));
  if (crops.length === 0) throw new CelebError('dataset', 'calibration needs at least one face');
  const source = spec.format === 'faceapi' ? await faceApiGraph(spec.modelPath) : await readGraphSource(spec.modelPath);
  const { graph, input } = convertSourceToGraph(source, [spec.output]);
  const per = spec.inputSize * spec.inputSize * 3;
  const batches = crops.map((crop) => {
    const data = new Float32Array(2 * per);
    fitInto(crop, spec, data, 0, per);
    return { data, shape: [2, spec.inputSize, spec.inputSize, 3] };
  });
  const ranges = await calibrateGraph(graph, input, batches, CALIBRATION_PERCENTILE);
  // A convolution whose input has no range stays float (quantize.ts).
  const float = graph.nodes
    .filter((n) => n.op === 'Conv')
    .slice(0, spec.int8.floatConvs)
    .map((n) => n.inputs[0]);
  for (const t of float) ranges.delete(t);
  return { converter: CONVERTER_VERSION, percentile: CALIBRATION_PERCENTILE, inputs: describeInputs, float, ranges: Object.fromEntries(ranges) };
}
