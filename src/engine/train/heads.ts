/**
 * The trainable heads of the original design, as tfjs layers models over embeddings:
 * `fc1` = Linear(dim, classes); `fc2` = Linear(dim, 512) -> ReLU -> Dropout(0.2) -> Linear(512, classes).
 * Models output logits; log-softmax is applied by the loss and by `scores` (softmax(logits / T)
 * equals softmax(log_softmax(logits) / T), so calibration is unaffected).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainableHeadKind } from '../heads/head.js';

export const HIDDEN_UNITS = 512;
export const DROPOUT = 0.2;

export function buildHeadModel(kind: TrainableHeadKind, inputDim: number, classes: number, seed: number): tf.LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential();
  if (kind === 'fc2') {
    model.add(tf.layers.dense({ inputShape: [inputDim], units: HIDDEN_UNITS, activation: 'relu', kernelInitializer: init(0), name: 'fc_hidden' }));
    model.add(tf.layers.dropout({ rate: DROPOUT, seed: seed + 1, name: 'dropout' }));
    model.add(tf.layers.dense({ units: classes, kernelInitializer: init(2), name: 'fc_out' }));
  } else {
    model.add(tf.layers.dense({ inputShape: [inputDim], units: classes, kernelInitializer: init(0), name: 'fc_out' }));
  }
  return model;
}

/** `head/model.json` + `head/weights.bin` inside a model directory, as bytes to write atomically. */
export async function serialiseHeadModel(model: tf.LayersModel): Promise<Record<string, Uint8Array | string>> {
  let files: Record<string, Uint8Array | string> = {};
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      const weights =
        artifacts.weightData instanceof ArrayBuffer
          ? new Uint8Array(artifacts.weightData)
          : new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData ?? []));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      files = { 'head/model.json': JSON.stringify(json), 'head/weights.bin': weights };
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } });
    }),
  );
  return files;
}
