/** Formatting and writing of benchmark results, shared by all sections. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SectionOutput } from './section.js';

/** Local calendar date, YYYY-MM-DD. */
export function dateStamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function ms(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ('l' | 'r')[] = []): string {
  const sep = headers.map((_, i) => ((align[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---'));
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(sep), ...rows.map(line)].join('\n');
}

export interface WrittenFiles {
  json: string;
  markdown: string;
}

/** Writes `<name>-<date>.json` and `<name>-latest.md` under `bench/results/`. */
export async function writeSectionResults(root: string, output: SectionOutput, startedAt: Date): Promise<WrittenFiles> {
  const dir = path.join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const json = path.join(dir, `${output.name}-${dateStamp(startedAt)}.json`);
  const markdown = path.join(dir, `${output.name}-latest.md`);
  await writeFile(json, JSON.stringify(output.json, null, 2) + '\n');
  await writeFile(markdown, output.markdown.endsWith('\n') ? output.markdown : output.markdown + '\n');
  return { json, markdown };
}
