/** `.env` files: parsed, then merged under the real environment. */
import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from './values.js';

/**
 * A `.env` file's variables: `KEY=value` lines, `export KEY=value`, `#` comments, values in
 * single quotes (literal) or double quotes (with \n, \" and \\ escapes), inline ` #` comments
 * after unquoted values. Lines that are not assignments are errors, named by line number.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = trimmed.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/);
    if (!match) throw new ConfigError(`.env line ${i + 1} is not KEY=value`);
    const [, key, rest] = match;
    const quoted = rest.match(/^(['"])(.*)\1\s*(?:#.*)?$/);
    if (quoted) {
      out[key] = quoted[1] === "'" ? quoted[2] : quoted[2].replace(/\\([n"\\])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    } else {
      out[key] = rest.replace(/\s+#.*$/, '').trim();
    }
  });
  return out;
}

/** The environment with a `.env` file's values added underneath: a real variable always wins. */
export function withDotEnv(env: Env = process.env, file = '.env'): Env {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return env;
  }
  return { ...parseDotEnv(text), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}
