/**
 * Face detection on onnxruntime: BlazeFace and FaceMesh run as ONNX sessions (converted from
 * Human's own models), and the glue Human does around them is ours (blazeface-decode.ts,
 * face-geometry.ts). tfjs only resizes the detector input and samples the aligned crop, with
 * the same ops Human uses, so crops match Human's pixel for pixel up to float rounding.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CelebError, errorMessage } from '../../errors.js';
import { humanModelsDirectory } from '../../runtime/human.js';
import { cachedOnnxModel } from '../../runtime/onnx/cache.js';
import { onnxOutputName } from '../../runtime/onnx/convert.js';
import { OnnxSession } from '../../runtime/onnx/session.js';
import type { FaceDetector, RawFace } from '../detector.js';
import type { PassImage } from '../passes.js';
import { decodeFaces, generateAnchors, mergeOutputs, type DetectBox, type Point } from './blazeface-decode.js';
import { faceBoxFromMesh, faceRoll, meshToImage } from './face-geometry.js';

/** Human's blazeface.json (the 256 px "back" model) and facemesh.json (192 px). */
const DETECTOR = { file: 'blazeface.json', size: 256, outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] };
const MESH = { file: 'facemesh.json', size: 192, outputs: ['Identity_1', 'Identity_2'] }; // face flag [1, 1], mesh [1, 1404]

export interface OnnxDetectorOptions {
  maxFaces: number;
  minConfidence: number;
  threads: number;
  cacheDir: string;
}

async function session(spec: typeof DETECTOR, options: OnnxDetectorOptions): Promise<OnnxSession> {
  const cached = await cachedOnnxModel(path.join(humanModelsDirectory(), spec.file), spec.outputs, options.cacheDir);
  return OnnxSession.create(cached.bytes, cached.input, onnxOutputName(spec.outputs[0]), { threads: options.threads });
}

/** Human's crop: rotate the image about the box centre when the face is rolled, then crop and resize to `size`, 0..1. */
export function alignedCrop(image: tf.Tensor4D, box: DetectBox, angle: number, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [h, w] = [image.shape[1], image.shape[2]];
    const center: Point = [box.startPoint[0] + (box.endPoint[0] - box.startPoint[0]) / 2, box.startPoint[1] + (box.endPoint[1] - box.startPoint[1]) / 2];
    const source = angle === 0 ? image : tf.image.rotateWithOffset(image, angle, 0, [center[0] / w, center[1] / h]);
    const rect = [box.startPoint[1] / h, box.startPoint[0] / w, box.endPoint[1] / h, box.endPoint[0] / w];
    return tf.div(tf.image.cropAndResize(source, [rect], [0], [size, size]), 255) as tf.Tensor4D;
  });
}

export class OnnxFaceDetector implements FaceDetector {
  readonly runtime = 'onnx';
  private readonly anchors = generateAnchors(DETECTOR.size);

  private constructor(private readonly detector: OnnxSession, private readonly mesh: OnnxSession, private readonly options: OnnxDetectorOptions) {}

  static async create(options: OnnxDetectorOptions): Promise<OnnxFaceDetector> {
    try {
      const [detector, mesh] = await Promise.all([session(DETECTOR, options), session(MESH, options)]);
      return new OnnxFaceDetector(detector, mesh, options);
    } catch (error) {
      if (error instanceof CelebError) throw error;
      throw new CelebError('backend', `the face detector does not run on onnxruntime: ${errorMessage(error)}`, { cause: error });
    }
  }

  async detect(pixels: PassImage, minConfidence = this.options.minConfidence): Promise<RawFace[]> {
    const image = tf.tidy(() => tf.cast(tf.tensor4d(pixels.data, [1, pixels.height, pixels.width, 3], 'int32'), 'float32') as tf.Tensor4D);
    try {
      const candidates = await this.candidates(image, pixels, minConfidence);
      const faces: RawFace[] = [];
      for (const box of candidates) {
        const face = await this.refine(image, pixels, box, minConfidence);
        if (face) faces.push(face);
      }
      return faces;
    } finally {
      image.dispose();
    }
  }

  /** BlazeFace on the whole pass image, squashed to 256x256 as Human does (no letterbox). */
  private async candidates(image: tf.Tensor4D, pixels: PassImage, minConfidence: number): Promise<DetectBox[]> {
    const size = DETECTOR.size;
    const input = tf.tidy(() => tf.sub(tf.div(tf.image.resizeBilinear(image, [size, size]), 127.5), 1));
    const data = input.dataSync() as Float32Array;
    input.dispose();
    const outputs = await this.detector.runOutputs(data, [1, size, size, 3], DETECTOR.outputs.map(onnxOutputName));
    return decodeFaces(mergeOutputs(outputs), this.anchors, {
      inputSize: size, width: pixels.width, height: pixels.height, maxFaces: this.options.maxFaces, minConfidence, iouThreshold: 0.1, enlarge: 1.4,
    });
  }

  /** The aligned crop, then the mesh on it: its confidence confirms the face, its extent places the box. */
  private async refine(image: tf.Tensor4D, pixels: PassImage, box: DetectBox, minConfidence: number): Promise<RawFace | null> {
    const angle = faceRoll(box);
    const crop = alignedCrop(image, box, angle, MESH.size);
    const [flag, mesh] = await this.mesh.runOutputs(crop.dataSync() as Float32Array, crop.shape, MESH.outputs.map(onnxOutputName));
    // Human rounds the mesh confidence to 2 decimals before comparing it with the threshold.
    const score = Math.round(100 * flag[0]) / 100;
    if (!(score > minConfidence)) {
      crop.dispose();
      return null;
    }
    const points = meshToImage(mesh, box, angle, MESH.size);
    return { box: faceBoxFromMesh(points, box, pixels.width, pixels.height), score, tensor: crop };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector.dispose(), this.mesh.dispose()]);
  }
}
