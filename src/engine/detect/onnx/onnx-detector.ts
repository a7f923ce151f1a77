/**
 * Face detection on onnxruntime: BlazeFace and FaceMesh run as ONNX sessions (converted from
 * Human's own models), and the glue Human does around them is ours (blazeface-decode.ts,
 * face-geometry.ts). tfjs only resizes the detector input and samples the aligned crop, with
 * the same ops Human uses, so crops match Human's pixel for pixel up to float rounding.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CelebError, errorMessage } from '../../../base/errors.js';
import { humanModelsDirectory } from '../../runtime/human.js';
import { cachedOnnxModel } from '../../runtime/onnx/cache.js';
import { onnxOutputName } from '../../runtime/onnx/convert.js';
import { OnnxSession } from '../../runtime/onnx/session.js';
import type { FaceDetector, RawFace } from '../detector.js';
import type { PassImage } from '../passes.js';
import { boxCenter, decodeFaces, generateAnchors, mergeOutputs, type DetectBox } from './blazeface-decode.js';
import { faceBoxFromMesh, faceRoll, meshToImage } from './face-geometry.js';
import { resizeBilinear, rotatedCrop } from './sampling.js';

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

export class OnnxFaceDetector implements FaceDetector {
  readonly runtime = 'onnx';
  private readonly anchors = generateAnchors(DETECTOR.size);

  private constructor(
    private readonly detector: OnnxSession,
    private readonly mesh: OnnxSession,
    private readonly options: OnnxDetectorOptions,
  ) {}

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
    const faces: RawFace[] = [];
    for (const box of await this.candidates(pixels, minConfidence)) {
      const face = await this.refine(pixels, box, minConfidence);
      if (face) faces.push(face);
    }
    return faces;
  }

  /** BlazeFace on the whole pass image, squashed to 256x256 as Human does (no letterbox). */
  private async candidates(pixels: PassImage, minConfidence: number): Promise<DetectBox[]> {
    const size = DETECTOR.size;
    const data = resizeBilinear(pixels, size, 1 / 127.5, -1); // Human feeds -1..1
    const outputs = await this.detector.runOutputs(data, [1, size, size, 3], DETECTOR.outputs.map(onnxOutputName));
    return decodeFaces(mergeOutputs(outputs), this.anchors, {
      inputSize: size,
      width: pixels.width,
      height: pixels.height,
      maxFaces: this.options.maxFaces,
      minConfidence,
      iouThreshold: 0.1,
      enlarge: 1.4,
    });
  }

  /** The aligned crop, then the mesh on it: its confidence confirms the face, its extent places the box. */
  private async refine(pixels: PassImage, box: DetectBox, minConfidence: number): Promise<RawFace | null> {
    const angle = faceRoll(box);
    const size = MESH.size;
    const crop = rotatedCrop(pixels, [...box.startPoint, ...box.endPoint], angle, boxCenter(box), size);
    const [flag, mesh] = await this.mesh.runOutputs(crop, [1, size, size, 3], MESH.outputs.map(onnxOutputName));
    // Human rounds the mesh confidence to 2 decimals before comparing it with the threshold.
    const score = Math.round(100 * flag[0]) / 100;
    if (!(score > minConfidence)) return null;
    const points = meshToImage(mesh, box, angle, size);
    return { box: faceBoxFromMesh(points, box, pixels.width, pixels.height), score, tensor: tf.tensor4d(crop, [1, size, size, 3]) };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector.dispose(), this.mesh.dispose()]);
  }
}
