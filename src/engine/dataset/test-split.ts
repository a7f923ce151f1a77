/**
 * The test split's fingerprint: two models' test accuracies are comparable only when they were
 * measured on the same photos of the same people. A hash of what was measured says exactly that,
 * without keeping the photo list in the model or the database.
 */
import { createHash } from 'node:crypto';

/** sha256 (hex, first 16 chars) of the sorted `<person>\t<contentHash>` lines of the test photos. */
export function testSplitFingerprint(samples: readonly { person: string; contentHash: string }[]): string {
  const lines = samples.map((s) => `${s.person}\t${s.contentHash}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}
