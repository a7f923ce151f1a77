/** A one-line progress bar on stderr (only on a terminal, so piped JSON output stays clean). */
import type { ExtractionProgress } from '../engine/extract/features.js';

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
