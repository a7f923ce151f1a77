/**
 * Face detection on onnxruntime: BlazeFace and FaceMesh run as ONNX sessions (converted from
 * Human's own models); the glue around them is ours: decoding (blazeface-decode.ts), mirror
 * symmetry (symmetric.ts), alignment (face-geometry.ts, sampling.ts). No tfjs.
 */
import path from 'node:path';
import { CelebError, errorMessage } from '../../../base/errors.js';
import { humanModelsDirectory } from '../../runtime/human-models.js';
import { cachedOnnxModel } from '../../runtime/onnx/cache.js';
import { onnxOutputName } from '../../runtime/onnx/convert.js';
import { OnnxSession, optimizedFileFor } from '../../runtime/onnx/session.js';
import type { FaceDetector, RawFace } from '../detector.js';
import type { PassImage } from '../passes.js';
import { boxCenter, boxSize, decodeFaces, generateAnchors, mergeOutputs, type DetectBox } from './blazeface-decode.js';
import { faceBox, faceRoll } from './face-geometry.js';
import { alignedCrop, resizeCentredInto } from './sampling.js';
import { ScratchBuffer } from '../../scratch.js';
import { mirrorRgb } from '../../image/face-pixels.js';
import { symmetricFaces, unmirrorFace } from './symmetric.js';

/** Human's blazeface.json (the 256 px "back" model) and facemesh.json (192 px). */
const DETECTOR = { file: 'blazeface.json', size: 256, outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'] };
const MESH = { file: 'facemesh.json', size: 192, outputs: ['Identity_1', 'Identity_2'] }; // face flag [1, 1], mesh [1, 1404]

/** BlazeFace confidence from which a face is taken without asking the mesh network. */
const MESH_CHECK_BELOW = 0.75;

export interface OnnxDetectorOptions {
  maxFaces: number;
  minConfidence: number;
  threads: number;
  cacheDir: string;
}

async function session(spec: typeof DETECTOR, options: OnnxDetectorOptions): Promise<OnnxSession> {
  const cached = await cachedOnnxModel(path.join(humanModelsDirectory(), spec.file), spec.outputs, options.cacheDir);
  return OnnxSession.create(cached.bytes, cached.input, onnxOutputName(spec.outputs[0]), {
    threads: options.threads,
    optimizedFile: optimizedFileFor(cached.path),
  });
}

export class OnnxFaceDetector implements FaceDetector {
  readonly runtime = 'onnx';
  private readonly anchors = generateAnchors(DETECTOR.size);
  /** BlazeFace's input and its mirror image, reused from photo to photo. */
  private readonly inputs = new ScratchBuffer();
  private readonly flippedInputs = new ScratchBuffer();

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

  /** Crops of a photo's mirror image are the mirrored crops of the photo (symmetric.ts), so one detection serves both. */
  readonly mirrorEquivariant = true;

  async detect(pixels: PassImage, minConfidence = this.options.minConfidence): Promise<RawFace[]> {
    const faces: RawFace[] = [];
    for (const box of await this.candidates(pixels, minConfidence)) {
      const face = await this.refine(pixels, box, minConfidence);
      if (face) faces.push(face);
    }
    return faces;
  }

  /**
   * BlazeFace on the whole pass image, squashed to 256x256 as Human does (no letterbox), and on
   * its mirror image; each face averaged with its mirror twin (symmetric.ts).
   */
  private async candidates(pixels: PassImage, minConfidence: number): Promise<DetectBox[]> {
    const size = DETECTOR.size;
    const [input, flipped] = [this.inputs.take(size * size * 3), this.flippedInputs.take(size * size * 3)];
    try {
      resizeCentredInto(pixels, size, 1 / 127.5, -1, input, flipped); // Human feeds -1..1
      return await this.detectSymmetric(pixels, input, flipped, minConfidence);
    } finally {
      this.inputs.give(input);
      this.flippedInputs.give(flipped);
    }
  }

  /** BlazeFace on the input and on its mirror image, each face averaged with its mirror twin. */
  private async detectSymmetric(pixels: PassImage, input: Float32Array, flipped: Float32Array, minConfidence: number): Promise<DetectBox[]> {
    const size = DETECTOR.size;
    const names = DETECTOR.outputs.map(onnxOutputName);
    const decode = async (data: Float32Array) =>
      decodeFaces(mergeOutputs(await this.detector.runOutputs(data, [1, size, size, 3], names)), this.anchors, {
        inputSize: size,
        width: pixels.width,
        height: pixels.height,
        maxFaces: this.options.maxFaces,
        minConfidence,
        iouThreshold: 0.1,
        enlarge: 1.4,
      });
    const direct = await decode(input);
    const mirrored = (await decode(flipped)).map((face) => unmirrorFace(face, pixels.width));
    return symmetricFaces(direct, mirrored);
  }

  /**
   * The aligned crop. A confident detection is a face; a doubtful one (the low-threshold pass,
   * a profile, a hand) must also convince the mesh network, on the crop and on its mirror image
   * (averaged, so the decision is the same for a mirrored photo). Measured on the fixtures and
   * faceless photos: every candidate the mesh rejects scores under 0.75 here, except one real face.
   */
  private async refine(pixels: PassImage, box: DetectBox, minConfidence: number): Promise<RawFace | null> {
    const size = MESH.size;
    const crop = alignedCrop(pixels, { centre: boxCenter(box), side: Math.max(...boxSize(box)), angle: faceRoll(box) }, size);
    let score = box.confidence;
    if (score < MESH_CHECK_BELOW) {
      const names = [onnxOutputName(MESH.outputs[0])];
      const [[flag], [mirrorFlag]] = await Promise.all([
        this.mesh.runOutputs(crop, [1, size, size, 3], names),
        this.mesh.runOutputs(mirrorRgb(crop, size, size), [1, size, size, 3], names),
      ]);
      // Human rounds the mesh confidence to 2 decimals before comparing it with the threshold.
      score = Math.round(50 * (flag[0] + mirrorFlag[0])) / 100;
      if (!(score > minConfidence)) return null;
    }
    return { box: faceBox(box, pixels.width, pixels.height), score, pixels: { data: crop, width: size, height: size } };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.detector.dispose(), this.mesh.dispose()]);
  }
}
