/** The two figures the CLI and the bots send: the leaderboard bars and a run's loss curves. */
import path from 'node:path';
import type { LeaderboardRow, RunWithEpochs } from '../store/index.js';
import { barChartSvg, lineChartSvg, svgToPng } from './charts.js';

export function leaderboardPng(rows: readonly LeaderboardRow[]): Promise<Buffer> {
  return svgToPng(leaderboardSvg(rows));
}

/** One bar per row, labelled with what it is: the gallery row or the run with its preset and head. */
export function leaderboardSvg(rows: readonly LeaderboardRow[]): string {
  const bars = rows.map((r, i) => ({
    label:
      r.kind === 'gallery'
        ? `gallery ${path.basename(r.model ?? '')} (${r.head}, no training)`
        : `#${r.runId} ${r.preset === null ? 'custom' : `preset ${r.preset}`} (${r.head}, ${r.loss}${r.samplePairing ? ', SP' : ''})`,
    value: r.testTop1,
    highlight: i === 0,
  }));
  return barChartSvg('Test accuracy (top-1) by training run and gallery', bars);
}

export function lossCurvePng(run: RunWithEpochs): Promise<Buffer> {
  return svgToPng(lossCurveSvg(run));
}

/** The run's train and validation loss over epochs, its best epoch (lowest validation loss, the one kept) marked. */
export function lossCurveSvg(run: RunWithEpochs): string {
  const points = (pick: (e: RunWithEpochs['history'][number]) => number | null) => run.history.map((e) => ({ x: e.epoch, y: pick(e) ?? NaN }));
  const bestRow = run.history.find((e) => e.epoch === run.bestEpoch && e.valLoss !== null);
  const best = bestRow ? { x: bestRow.epoch, y: bestRow.valLoss!, label: `best: epoch ${bestRow.epoch}` } : undefined;
  return lineChartSvg(
    `Run #${run.id}: ${run.head}, ${run.loss}${run.samplePairing ? ', sample pairing' : ''}`,
    [
      { name: 'train loss', colour: '#4c6ef5', points: points((e) => e.trainLoss) },
      { name: 'validation loss (NLL)', colour: '#e8590c', points: points((e) => e.valLoss) },
    ],
    'epoch',
    'loss',
    best,
  );
}
