/**
 * The per-photo pipeline in one thread: decode -> detect + align -> embed. One instance
 * per worker thread (the wasm backend is single-threaded); the pool spreads photos.
 */
import { performance } from 'node:perf_hooks';
import type { BackendChoice } from '../run-options.js';
import { decodeImage, DEFAULT_IMAGE_LIMITS, type DecodedImage, type ImageLimits } from '../image/decode.js';
import { detectFaceCrops, wholeImageCrop, type DetectedFaces, type FaceCrop } from '../detect/face-crops.js';
import { mirrorImage, pairMirrorFaces, unmirrorBox } from '../detect/mirror.js';
import { addVectors, l2normalise } from '../math.js';
import type { Box } from '../../base/box.js';
import { DETECTION_PASSES, type DetectionPassId } from '../detect/passes.js';
import type { FaceQuality } from '../detect/quality.js';
import { measureQuality } from '../detect/measure-quality.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../runtime/human-models.js';
import type { FaceDetector } from '../detect/detector.js';
import { OnnxFaceDetector } from '../detect/onnx/onnx-detector.js';
import { Backbone } from '../backbones/backbone.js';
import { errorMessage } from '../../base/errors.js';
import { planRuntime, runtimeInfo, type RuntimeInfo, type RuntimePlan } from '../runtime/runtime.js';
import { DEFAULT_ONNX_CACHE_DIR } from '../runtime/onnx/cache.js';
import type { ViewRecipe } from '../augment/recipe.js';
import { faceToBytes, type FacePixels } from '../image/face-pixels.js';
import { resolveBackbone } from '../backbones/registry.js';
import { stderrLog, type EngineLog } from '../events.js';

export interface EmbedderOptions {
  backbone: string;
  backend: BackendChoice;
  limits: ImageLimits;
  /** Intra-op threads of the embedding networks' ONNX sessions (the detector's run on one). Default 1; a pool shares the cores among its workers (`defaultOnnxThreads`). */
  onnxThreads: number;
  /** Converted-model cache. Default `model/.onnx-cache` in the package. */
  onnxCacheDir: string;
  /** Where runtime fallbacks are reported. Default: stderr. In a worker thread, the pool's. */
  log: EngineLog;
}

export interface EmbedRequest {
  /** The input is already a face crop: skip detection and embed the whole image. */
  assumeCrop?: boolean;
  /** Embed at most this many faces, largest first. Default: all detected (up to 20). 0: none (views and crop still come from the largest face). */
  maxFaces?: number;
  /** Also embed these augmented views of the largest face (training's feature bank). */
  views?: ViewRecipe[];
  /** Retry detection with the fallback passes when the photo as it is shows no face. Default true. */
  detectionFallbacks?: boolean;
  /** Also return the largest face's aligned crop as 8-bit RGB at the backbone's input size (for sample pairing). */
  returnCrop?: boolean;
  /**
   * A photo and its mirror image get the same answer. Free with a mirror-equivariant detector
   * (the ONNX one: detect/onnx/symmetric.ts) and a `+flip` backbone; otherwise each face's
   * embedding is averaged with its twin's found in the mirrored photo (detect/mirror.ts), at the
   * cost of a second detection and embedding. Recognition asks for it with `+flip` backbones.
   */
  symmetric?: boolean;
}

export interface EmbeddedFace {
  box: Box;
  score: number;
  /** L2-normalised. */
  embedding: Float32Array;
  /** Size, sharpness and brightness of the face's pixels. */
  quality: FaceQuality;
}

export interface StageTimings {
  decodeMs: number;
  detectMs: number;
  embedMs: number;
}

export interface EmbeddedImage {
  width: number;
  height: number;
  /** Largest first; empty when no face was found. */
  faces: EmbeddedFace[];
  /** Faces detected, including those beyond `maxFaces`. */
  detectedFaces: number;
  /** The faces beyond `maxFaces`, not embedded: where they are, largest first (a group photo boxes them all). */
  otherFaces: { box: Box; score: number }[];
  /** The detection pass that found the faces (`direct` unless a fallback was needed); null for `assumeCrop` or no face. */
  detectionPass: DetectionPassId | null;
  timings: StageTimings;
  /** Embeddings of `request.views`, in order, for the largest face. */
  views?: Float32Array[];
  /** `request.returnCrop`: size x size x 3 bytes, size = the backbone's input size. */
  crop?: Uint8Array;
}

/** The ONNX detector, or null (logged) when it cannot start and `auto` may fall back to Human; `onnx` insists. */
async function onnxDetector(threads: number, cacheDir: string, insist: boolean, log: EngineLog): Promise<FaceDetector | null> {
  try {
    return await OnnxFaceDetector.create({ ...DEFAULT_DETECTOR_OPTIONS, threads, cacheDir });
  } catch (error) {
    if (insist) throw error;
    log({ event: 'detector.onnx_fallback', reason: errorMessage(error) });
    return null;
  }
}

/** Human on the plan's tfjs backend (tfjs and Human load only here). */
async function humanDetector(plan: RuntimePlan): Promise<FaceDetector> {
  const backend = await plan.tfjs();
  const [{ HumanDetector }, { loadHuman }] = await Promise.all([import('../detect/human-detector.js'), import('../runtime/human.js')]);
  return new HumanDetector(await loadHuman(backend, DEFAULT_DETECTOR_OPTIONS), backend.name, DEFAULT_DETECTOR_OPTIONS.minConfidence);
}

export class FaceEmbedder {
  private constructor(
    private readonly plan: RuntimePlan,
    readonly backbone: Backbone,
    private readonly detector: FaceDetector,
    private readonly limits: ImageLimits,
  ) {}

  /** Which runtime runs each stage. */
  get runtime(): RuntimeInfo {
    return runtimeInfo(this.plan, this.backbone.runtime, this.detector.runtime === 'onnx' ? 'onnx' : 'tfjs', this.backbone.onnxFallback);
  }

  static async create(options: Partial<EmbedderOptions> = {}): Promise<FaceEmbedder> {
    const plan = planRuntime(options.backend ?? 'auto');
    const onnxThreads = options.onnxThreads ?? 1;
    const onnxCacheDir = options.onnxCacheDir ?? DEFAULT_ONNX_CACHE_DIR;
    const log = options.log ?? stderrLog;
    const backbone = await Backbone.load(resolveBackbone(options.backbone ?? 'faceres'), {
      onnx: plan.onnx,
      onnxThreads,
      onnxCacheDir,
      log,
      tfjs: () => plan.tfjs(),
    });
    // Detection follows the backbone: when it runs on ONNX, so do BlazeFace and FaceMesh, on one
    // thread whatever `onnxThreads` (measured: BlazeFace's small layers take 12.6 ms on 2 threads, 9.1 on 1).
    const detector = (backbone.runtime === 'onnx' ? await onnxDetector(1, onnxCacheDir, plan.choice === 'onnx', log) : null) ?? (await humanDetector(plan));
    return new FaceEmbedder(plan, backbone, detector, options.limits ?? DEFAULT_IMAGE_LIMITS);
  }

  async embedImage(bytes: Uint8Array, request: EmbedRequest = {}): Promise<EmbeddedImage> {
    const t0 = performance.now();
    const image = await decodeImage(bytes, this.limits);
    const t1 = performance.now();
    const detected: DetectedFaces = request.assumeCrop
      ? { crops: [wholeImageCrop(image)], pass: null, tiled: false }
      : await detectFaceCrops(this.detector, image, { passes: request.detectionFallbacks === false ? DETECTION_PASSES.slice(0, 1) : DETECTION_PASSES });
    const crops = detected.crops;
    const kept = crops.slice(0, request.maxFaces ?? crops.length);
    const twins: FaceCrop[] =
      request.symmetric && !request.assumeCrop && !this.detector.mirrorEquivariant && kept.length > 0 ? await this.mirrorTwins(image, kept, request) : [];
    const t2 = performance.now();
    const embeddings = await this.embedWithTwins(kept, twins);
    const largest = crops[0]?.pixels;
    const views = largest && request.views?.length ? await this.embedViews(largest, request.views) : undefined;
    const crop = largest && request.returnCrop ? faceToBytes(largest, this.backbone.spec.inputSize) : undefined;
    const t3 = performance.now();
    return {
      width: image.originalWidth,
      height: image.originalHeight,
      faces: kept.map((c, i) => ({ box: c.box, score: c.score, embedding: embeddings[i], quality: measureQuality(c.pixels, c.box) })),
      detectedFaces: crops.length,
      otherFaces: crops.slice(kept.length).map((c) => ({ box: c.box, score: c.score })),
      detectionPass: detected.pass,
      timings: { decodeMs: t1 - t0, detectMs: t2 - t1, embedMs: t3 - t2 },
      ...(views ? { views } : {}),
      ...(crop ? { crop } : {}),
    };
  }

  /** For each kept face, its crop in the mirrored photo (mirrored back), or a hole where the mirror shows no such face. */
  private async mirrorTwins(image: DecodedImage, kept: readonly FaceCrop[], request: EmbedRequest): Promise<FaceCrop[]> {
    const mirrored = await detectFaceCrops(this.detector, mirrorImage(image), {
      passes: request.detectionFallbacks === false ? DETECTION_PASSES.slice(0, 1) : DETECTION_PASSES,
    });
    const boxes = mirrored.crops.map((c) => unmirrorBox(c.box, image.originalWidth));
    const pairs = pairMirrorFaces(
      kept.map((c) => c.box),
      boxes,
    );
    const twins: FaceCrop[] = [];
    pairs.forEach((j, i) => {
      if (j >= 0) twins[i] = { ...mirrored.crops[j], box: boxes[j] };
    });
    return twins;
  }

  /** Embeddings of the kept faces, each averaged with its mirror twin's when it has one. */
  private async embedWithTwins(kept: readonly FaceCrop[], twins: readonly FaceCrop[]): Promise<Float32Array[]> {
    const paired = kept.map((_, i) => i).filter((i) => twins[i]);
    const all = await this.backbone.embed([...kept.map((c) => c.pixels), ...paired.map((i) => twins[i].pixels)]);
    const out = all.slice(0, kept.length);
    paired.forEach((i, n) => (out[i] = l2normalise(addVectors(out[i], all[kept.length + n]))));
    return out;
  }

  /** Training's augmented views of a face (on tfjs, loaded for training only). */
  private async embedViews(face: FacePixels, recipes: ViewRecipe[]): Promise<Float32Array[]> {
    await this.plan.tfjs();
    return (await import('./training-views.js')).embedViews(this.backbone, face, recipes);
  }

  /** Sample pairing: embed the pixel average of two crops made with `returnCrop`. */
  async embedPair(a: Uint8Array, b: Uint8Array): Promise<Float32Array> {
    await this.plan.tfjs();
    return (await import('./training-views.js')).embedPair(this.backbone, a, b);
  }

  dispose(): void {
    this.backbone.dispose();
    void this.detector.dispose();
  }
}
