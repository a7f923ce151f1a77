/** Test-split evaluation shared by the centroid index and trained heads. */
import type { Head } from './head.js';
import { expectedCalibrationError, topKAccuracy, type Scored } from './metrics.js';

export interface LabelledEmbedding {
  person: string;
  embedding: Float32Array;
}

export interface Evaluation {
  top1: number;
  top3: number;
  perPerson: Record<string, number>;
  confusion: { labels: string[]; matrix: number[][] };
  samples: number;
}

/** Scores of labelled embeddings; people the head does not know are skipped. */
export async function scoreSamples(head: Head, samples: readonly LabelledEmbedding[]): Promise<Scored[]> {
  const known = samples.filter((s) => head.labels.includes(s.person));
  const scores = await head.scores(known.map((s) => s.embedding));
  return known.map((s, i) => ({ scores: scores[i], label: head.labels.indexOf(s.person) }));
}

export function evaluateScores(labels: readonly string[], scored: readonly Scored[]): Evaluation {
  const matrix = labels.map(() => labels.map(() => 0));
  for (const { scores, label } of scored) {
    let best = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
    matrix[label][best]++;
  }
  const perPerson: Record<string, number> = {};
  labels.forEach((name, i) => {
    const total = matrix[i].reduce((a, b) => a + b, 0);
    if (total > 0) perPerson[name] = matrix[i][i] / total;
  });
  return { top1: topKAccuracy(scored, 1), top3: topKAccuracy(scored, 3), perPerson, confusion: { labels: [...labels], matrix }, samples: scored.length };
}

export function calibrationReport(scored: readonly Scored[], before: number, after: number) {
  return { eceBefore: expectedCalibrationError(scored, before), eceAfter: expectedCalibrationError(scored, after) };
}
