/**
 * The number formatters every layer shares (engine, store, CLI, bots), so a size or an
 * accuracy reads the same wherever it is printed. A leaf module: it imports nothing, so any
 * layer may use it without bending the one-way dependencies.
 */

/** 20971520 -> "20 MB", 26528972 -> "25.3 MB": binary megabytes, one decimal, no trailing ".0". */
export function megabytes(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

/** 0.9723 -> "97.2%" (digits after the point, 1 by default); null or NaN -> "-" (not measured). */
export function percent(fraction: number | null, digits = 1): string {
  return fraction === null || Number.isNaN(fraction) ? '-' : `${(100 * fraction).toFixed(digits)}%`;
}

/** 12.34 -> "12.3s", 754 -> "12m34s", 7300 -> "2h01m"; null or not finite -> "-". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Digits after the point that a score, a similarity or an accuracy means something to. */
export const JSON_DECIMALS = 4;

/** JSON for people and scripts: fractions rounded to 4 decimals (0.51234567 -> 0.5123), whole numbers as they are. */
export function jsonText(value: unknown, indent?: number): string {
  const scale = 10 ** JSON_DECIMALS;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * scale) / scale : v), indent);
}
