/** Round axis ticks: steps of 1, 2 or 5 times a power of ten ("nice numbers"). Pure. */

/** The 1-2-5 step nearest to `span / target` (on a log scale, as d3's ticks choose). */
export function niceStep(span: number, target = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction >= Math.sqrt(50) ? 10 : fraction >= Math.sqrt(10) ? 5 : fraction >= Math.sqrt(2) ? 2 : 1;
  return nice * power;
}

export interface Ticks {
  /** First and last tick: the axis range, covering [min, max]. */
  lo: number;
  hi: number;
  step: number;
  values: number[];
  /** Decimals that print every value exactly (0 for a step of 1 or more). */
  decimals: number;
}

/** Ticks from the multiple of the step at or below `min` to the one at or above `max`. */
export function niceTicks(min: number, max: number, target = 5): Ticks {
  const step = niceStep(max - min, target);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.max(lo + step, Math.ceil(max / step - 1e-9) * step);
  const values: number[] = [];
  for (let k = 0; lo + k * step <= hi + step * 1e-9; k++) values.push(Number((lo + k * step).toFixed(decimals)));
  return { lo, hi, step, values, decimals };
}

/**
 * Epoch ticks on an axis from 1 to `last`: every epoch when there are few, else 1 and the
 * multiples of a nice whole step (1, 5, 10, 15 ...), leaving out a multiple that would crowd the 1.
 */
export function epochTicks(last: number, target = 6): number[] {
  if (last <= 1) return [1];
  const step = Math.max(1, niceStep(last - 1, target));
  const values = [1];
  for (let v = step; v <= last; v += step) if (v - 1 >= step / 2) values.push(v);
  return values;
}
