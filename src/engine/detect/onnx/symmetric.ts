/**
 * Mirror equivariance by construction. BlazeFace is not mirror-equivariant (its anchor grid and
 * learnt weights are not), so a mirrored selfie used to give a slightly different crop and, among
 * 1,700 close neighbours, sometimes a different answer. The detector runs on its input and on that
 * input's mirror image; each face's box and keypoints are averaged with its mirror twin's brought
 * back. For a mirrored photo the two runs swap roles, so its faces are exactly the mirror images
 * of the photo's faces, and so are the crops cut from them (sampling.ts `alignedCrop`).
 * Pure functions, no tensors.
 */
import { boxCenter, boxSize, iou, type DetectBox, type Point } from './blazeface-decode.js';

/** BlazeFace keypoints: right eye, left eye, nose, mouth, right ear, left ear. A mirror swaps the pairs. */
const MIRROR_KEYPOINT = [1, 0, 2, 3, 5, 4] as const;

/** A face found in the mirror image of a `width`-wide image, in the image's own coordinates (continuous pixels). */
export function unmirrorFace(face: DetectBox, width: number): DetectBox {
  const flip = (p: Point): Point => [width - p[0], p[1]];
  return {
    startPoint: [width - face.endPoint[0], face.startPoint[1]],
    endPoint: [width - face.startPoint[0], face.endPoint[1]],
    landmarks: MIRROR_KEYPOINT.map((k) => flip(face.landmarks[k])),
    confidence: face.confidence,
  };
}

const corners = (f: DetectBox) => [...f.startPoint, ...f.endPoint] as const;
const mean = (a: Point, b: Point): Point => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];

/** Two detections of one face as one: centres, sizes, keypoints and confidences averaged. */
export function averageFaces(a: DetectBox, b: DetectBox): DetectBox {
  const [cx, cy] = mean(boxCenter(a), boxCenter(b));
  const [w, h] = mean(boxSize(a), boxSize(b));
  return {
    startPoint: [cx - w / 2, cy - h / 2],
    endPoint: [cx + w / 2, cy + h / 2],
    landmarks: a.landmarks.map((p, i) => mean(p, b.landmarks[i])),
    confidence: (a.confidence + b.confidence) / 2,
  };
}

/**
 * The faces of an image from the detections in it (`direct`) and in its mirror image
 * (`mirrored`, already brought back with `unmirrorFace`). Pairs with an IoU of at least
 * `minIou` (neighbours in a crowd overlap far less) are taken best first, over all pairs at once, so the pairing is the same
 * whichever run is called direct (a mirrored photo swaps them), and averaged. A face only one
 * run found is kept as that run found it, so the mirrored photo keeps it too.
 */
export function symmetricFaces(direct: readonly DetectBox[], mirrored: readonly DetectBox[], minIou = 0.5): DetectBox[] {
  const candidates: { i: number; j: number; overlap: number }[] = [];
  direct.forEach((a, i) =>
    mirrored.forEach((b, j) => {
      const o = iou(corners(a), corners(b));
      if (o >= minIou) candidates.push({ i, j, overlap: o });
    }),
  );
  candidates.sort((x, y) => y.overlap - x.overlap);
  const [pairedDirect, pairedMirrored] = [new Set<number>(), new Set<number>()];
  const faces: DetectBox[] = [];
  for (const { i, j } of candidates) {
    if (pairedDirect.has(i) || pairedMirrored.has(j)) continue;
    pairedDirect.add(i);
    pairedMirrored.add(j);
    faces.push(averageFaces(direct[i], mirrored[j]));
  }
  return [...faces, ...direct.filter((_, i) => !pairedDirect.has(i)), ...mirrored.filter((_, j) => !pairedMirrored.has(j))];
}
