/**
 * The one typeface of every picture the project draws (look-alike cards, group answers,
 * charts): Inter, from the @fontsource/inter package (SIL Open Font License), read once.
 * Text is drawn as glyph outlines (text-paths.ts), so rendering needs no system font and
 * looks the same on every machine. Fontsource splits the font by script: each weight is a
 * list of subset files, searched in order for each character.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import opentype, { type Font } from 'opentype.js';

export type Weight = 'regular' | 'bold';

/** Each weight's subset fonts, in the order characters are looked up. */
export type Typeface = Readonly<Record<Weight, readonly Font[]>>;

/** Latin first (most names), then the other scripts Inter covers. */
const SUBSETS = ['latin', 'latin-ext', 'vietnamese', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext'] as const;
const WEIGHTS: Record<Weight, number> = { regular: 400, bold: 700 };

const require = createRequire(import.meta.url);

function readFont(subset: string, weight: number): Font {
  // WOFF (version 1): opentype.js inflates it itself; WOFF2 would need a Brotli decoder.
  const bytes = readFileSync(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`));
  return opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

let loaded: Typeface | null = null;

/** Inter regular and bold, parsed on first use (about 0.5 MB of WOFF) and kept. */
export function inter(): Typeface {
  loaded ??= {
    regular: SUBSETS.map((s) => readFont(s, WEIGHTS.regular)),
    bold: SUBSETS.map((s) => readFont(s, WEIGHTS.bold)),
  };
  return loaded;
}
