/**
 * An augmented view is described by a recipe: which transforms, with which sampled
 * parameters. Recipes are drawn from a seeded random source keyed by the image's content
 * hash, so the same image always gets the same K views and the feature cache can be reused.
 */
import { seededRandom } from '../math.js';

/** Erased rectangle, relative to the crop (0..1). */
export interface EraseBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ViewRecipe {
  flip: boolean;
  /** Degrees, counter-clockwise. */
  rotation: number;
  erase: EraseBox | null;
}

export interface AugmentConfig {
  /** Augmented views per training image (besides the clean one). Default 8. */
  views: number;
  /** Probability of a horizontal flip. Default 0.5. */
  flipProbability: number;
  /** Rotation drawn uniformly in ±this many degrees. Default 10. */
  maxRotation: number;
  /** Random erasing, torchvision defaults: p 0.5, area 0.02-0.33 of the crop, aspect 0.3-3.3. */
  erase: { probability: number; area: [number, number]; aspect: [number, number] };
  /** Sample-paired views per training image, made only for runs that use sample pairing. Default 2. */
  pairViews: number;
  /** Views of the `degrade` recipe per training image (blur, JPEG, dim, grey, a 32 px face; train/degraded-views.ts). Default 0. */
  degrade: number;
}

export const DEFAULT_AUGMENT: AugmentConfig = {
  views: 8,
  flipProbability: 0.5,
  maxRotation: 10,
  erase: { probability: 0.5, area: [0.02, 0.33], aspect: [0.3, 3.3] },
  pairViews: 2,
  degrade: 0,
};

/** torchvision's RandomErasing sampling: up to 10 tries for a box that fits. */
export function sampleErase(random: () => number, config: AugmentConfig['erase']): EraseBox | null {
  if (random() >= config.probability) return null;
  const [aLo, aHi] = config.area;
  const [rLo, rHi] = [Math.log(config.aspect[0]), Math.log(config.aspect[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const area = aLo + (aHi - aLo) * random();
    const aspect = Math.exp(rLo + (rHi - rLo) * random());
    const h = Math.sqrt(area * aspect);
    const w = Math.sqrt(area / aspect);
    if (h < 1 && w < 1) return { x: random() * (1 - w), y: random() * (1 - h), w, h };
  }
  return null;
}

export function sampleRecipe(random: () => number, config: AugmentConfig = DEFAULT_AUGMENT): ViewRecipe {
  const flip = random() < config.flipProbability;
  const rotation = (random() * 2 - 1) * config.maxRotation;
  return { flip, rotation, erase: sampleErase(random, config.erase) };
}

/** A 32-bit seed from a hex content hash, a view index and a run-independent salt. */
export function viewSeed(contentHash: string, index: number, salt = 0): number {
  return (parseInt(contentHash.slice(0, 8), 16) ^ Math.imul(index + 1, 0x9e3779b1) ^ salt) >>> 0;
}

/** The K augmentation recipes of one image: always the same for the same image and config. */
export function recipesFor(contentHash: string, config: AugmentConfig = DEFAULT_AUGMENT): ViewRecipe[] {
  return Array.from({ length: config.views }, (_, k) => sampleRecipe(seededRandom(viewSeed(contentHash, k)), config));
}

const r3 = (x: number) => x.toFixed(3);

/** The feature cache's view string: the recipe itself, so different augmentations never collide. */
export function recipeView(recipe: ViewRecipe): string {
  const erase = recipe.erase ? `${r3(recipe.erase.x)},${r3(recipe.erase.y)},${r3(recipe.erase.w)},${r3(recipe.erase.h)}` : '-';
  return `aug:flip=${recipe.flip ? 1 : 0};rot=${recipe.rotation.toFixed(2)};erase=${erase}`;
}

/** View string of a sample-paired crop: pixel average with the partner image, label of this one. */
export const pairView = (partnerHash: string): string => `pair:${partnerHash}`;
