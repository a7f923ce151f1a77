/**
 * The promotion rule, in one place: whether a finished run's model replaces the model that
 * answers photos now. Pure: promotion.ts gathers the facts (database row, manifests) and the
 * store only writes what this decides.
 *
 * Test accuracies are comparable only on the same test photos: a run on 5 people scores high
 * on an easy 5-way test, which says nothing about a 1,500-person gallery. So:
 *   - a pinned model (`celeb model use`, /model use) is never replaced automatically;
 *   - other people, or another test split (when both models record one), never replace it;
 *   - on the same test split (or, for an older model without a fingerprint, the same people)
 *     the run must be strictly more accurate: a tie keeps the current model.
 */
import { percent } from '../../base/format.js';
import type { ActiveModel } from '../../store/index.js';
import type { ModelManifest } from '../model/manifest.js';

/** The finished run offered for promotion. */
export interface CandidateModel {
  readonly runId: number;
  /** Test top-1 accuracy, 0..1. */
  readonly testTop1: number;
  readonly labels: readonly string[];
  /** Test-split fingerprint (src/engine/dataset/test-split.ts). */
  readonly testSplit: string | null;
}

/** The model answering photos now: the active run's, or the shipped default. */
export interface AnsweringModel {
  /** The run that made it; null for the shipped default (or an active run since deleted). */
  readonly runId: number | null;
  readonly isDefault: boolean;
  readonly pinned: boolean;
  readonly testTop1: number | null;
  /** Null when its manifest could not be read: its data is unknown. */
  readonly labels: readonly string[] | null;
  /** Null for models made before fingerprints existed. */
  readonly testSplit: string | null;
}

export interface PromotionDecision {
  readonly promoted: boolean;
  /** Why, in a sentence fit for a log line or a chat reply. */
  readonly reason: string;
}

/** The facts about the answering model, from the active-model row (null: none) and its manifest (null: unreadable). */
export function answeringModel(active: ActiveModel | null, manifest: ModelManifest | null): AnsweringModel | null {
  if (active === null && manifest === null) return null;
  return {
    runId: active?.runId ?? null,
    isDefault: active === null,
    pinned: active?.pinned ?? false,
    testTop1: active?.testAccuracy ?? manifest?.metrics?.testTop1 ?? null,
    labels: manifest?.labels ?? null,
    testSplit: manifest?.data?.testSplit ?? null,
  };
}

const people = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'person' : 'people'}`;
const pct = (x: number) => percent(x, 2);

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((x) => set.has(x));
}

function nameOf(model: AnsweringModel): string {
  if (model.isDefault) return 'the shipped default model';
  return model.runId === null ? 'the active model' : `run ${model.runId}'s model`;
}

export function decidePromotion(candidate: CandidateModel, answering: AnsweringModel | null): PromotionDecision {
  const run = `run ${candidate.runId} (${pct(candidate.testTop1)})`;
  if (answering === null) return { promoted: true, reason: `${run} is the first model to answer photos` };
  const current = nameOf(answering);
  if (answering.pinned) return { promoted: false, reason: `the answering model (${current}) is pinned` };
  if (!answering.isDefault && answering.runId === candidate.runId) return { promoted: false, reason: `run ${candidate.runId} is already the answering model` };

  const splitsKnown = candidate.testSplit !== null && answering.testSplit !== null;
  const otherSplit = splitsKnown && candidate.testSplit !== answering.testSplit;
  const otherPeople = answering.labels !== null && !sameSet(candidate.labels, answering.labels);
  if (otherPeople || otherSplit) {
    const mine = otherPeople ? people(candidate.labels.length) : `the same ${people(candidate.labels.length)}`;
    return {
      promoted: false,
      reason: `trained on other data (${mine}${otherSplit ? ', another test split' : ''}) than the answering model (${current}, ${people(answering.labels?.length ?? 0)})`,
    };
  }

  if (answering.testTop1 === null) return { promoted: true, reason: `${run} replaces ${current}, whose test accuracy is unknown` };
  const basis = answering.labels === null ? '; its data is unknown' : splitsKnown ? ' on the same test split' : ' on the same people';
  const versus = `${current} (${pct(answering.testTop1)})`;
  const points = Math.abs(candidate.testTop1 - answering.testTop1) * 100;
  const by = `${points.toFixed(2)} ${points === 1 ? 'point' : 'points'}`;
  if (candidate.testTop1 > answering.testTop1) return { promoted: true, reason: `${run} beats ${versus} by ${by}${basis}` };
  if (candidate.testTop1 === answering.testTop1) return { promoted: false, reason: `${run} does not beat ${versus}${basis}; a tie keeps the current model` };
  return { promoted: false, reason: `${run} misses ${versus} by ${by}${basis}` };
}
