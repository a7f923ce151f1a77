/**
 * A backbone network on the thread's tfjs backend: the fallback when onnxruntime cannot run it
 * (and the reference the ONNX conversion is tested against). Loaded only when used, so a thread
 * that answers on onnxruntime never loads tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { fileUrl, registerFileLoader } from '../runtime/file-io.js';
import type { GraphSource } from '../runtime/onnx/convert.js';
import { faceApiGraph } from './faceapi-graph.js';
import type { Runner } from './backbone.js';
import type { BackboneSpec } from './spec.js';

/** face-api's weights manifest written as a graph model (faceapi-graph.ts), as tfjs loads model artifacts. */
function faceApiArtifacts(source: GraphSource): tf.io.ModelArtifacts {
  const w = source.weightData;
  return {
    format: 'graph-model',
    modelTopology: source.json.modelTopology,
    weightSpecs: source.json.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
    weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) as ArrayBuffer,
  };
}

export async function tfjsRunner(spec: BackboneSpec): Promise<Runner> {
  registerFileLoader();
  let execute: (input: tf.Tensor4D) => tf.Tensor;
  let dispose: () => void;
  if (spec.format === 'graph' || spec.format === 'faceapi') {
    const model = await tf.loadGraphModel(
      spec.format === 'faceapi' ? tf.io.fromMemory(faceApiArtifacts(await faceApiGraph(spec.modelPath))) : fileUrl(spec.modelPath),
    );
    execute = (input) => model.execute(input, spec.output) as tf.Tensor;
    dispose = () => model.dispose();
  } else {
    const full = await tf.loadLayersModel(fileUrl(spec.modelPath));
    const features = tf.model({ inputs: full.inputs, outputs: full.getLayer(spec.output).output });
    execute = (input) => features.predict(input) as tf.Tensor;
    dispose = () => full.dispose();
  }
  return {
    runtime: 'tfjs',
    async run(data, shape) {
      const out = tf.tidy(() => execute(tf.tensor4d(data, shape as [number, number, number, number])));
      try {
        return (await out.data()) as Float32Array;
      } finally {
        out.dispose();
      }
    },
    dispose,
  };
}
