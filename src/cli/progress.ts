/** A one-line progress bar on stderr (only on a terminal, so piped JSON output stays clean). */
import type { ExtractionProgress } from '../engine/extract/features.js';
import type { FetchProgress } from '../engine/gallery/fetch.js';

export function extractionProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr): (p: ExtractionProgress) => void {
  if (!stream.isTTY) return () => undefined;
  const started = Date.now();
  let last = 0;
  return ({ done, total, cached }) => {
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    const rate = done - cached > 0 ? ((done - cached) / ((now - started) / 1000)).toFixed(1) : '-';
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${cached} cached, ${rate} img/s)`);
    if (done === total) stream.write('\n');
  };
}

/** `12.3 MB` / `456 files`. */
function amount(n: number, unit: FetchProgress['unit']): string {
  return unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n)} files`;
}

/** `m:ss` of a number of seconds. */
const clock = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

/** One bar per phase of `celeb data fetch`: amount done, rate and, when the total is known, an ETA. */
export function fetchProgressBar(stream: NodeJS.WriteStream = process.stderr): (p: FetchProgress) => void {
  if (!stream.isTTY) return () => undefined;
  let phase = '';
  let started = 0;
  let startDone = 0;
  let last = 0;
  let lineOpen = false;
  return ({ source, phase: now, done, total, unit }) => {
    const time = Date.now();
    const key = `${source} ${now}`;
    if (key !== phase) {
      // A resumed download starts part-way: the rate counts this run's bytes only.
      [phase, started, startDone, last] = [key, time, done, 0];
      if (lineOpen) stream.write('\n'); // the previous phase's total was unknown: its line never finished
    }
    const finished = total !== undefined && done >= total;
    if (!finished && time - last < 100) return;
    last = time;
    const seconds = (time - started) / 1000;
    const rate = seconds > 0 ? (done - startDone) / seconds : 0;
    const width = 30;
    const filled = total ? Math.min(width, Math.round((done / total) * width)) : 0;
    const bar = total ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const eta = total && rate > 0 && !finished ? `, ETA ${clock((total - done) / rate)}` : '';
    const rateText = rate > 0 ? `, ${amount(rate, unit)}/s` : '';
    stream.write(`\r\x1b[K${key} ${bar}${amount(done, unit)}${total ? ` / ${amount(total, unit)}` : ''}${rateText}${eta}`);
    lineOpen = !finished;
    if (finished) stream.write('\n');
  };
}
