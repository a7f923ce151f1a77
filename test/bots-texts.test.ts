// The bots' sentences: joins of computed parts never double the punctuation (defect 5 of issue 7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain, type RichText } from '../src/bots/core/text.js';
import { helpText } from '../src/bots/core/texts/help.js';
import { busyText, outcomeText } from '../src/bots/core/texts/training.js';
import { PLATFORMS } from '../src/bots/platforms.js';

const DOUBLED = /[.…!?]\.|\.\.(?!\.)/;
const syntax = PLATFORMS.telegram.syntax;

function assertClean(text: RichText, what: string): void {
  const flat = plain(text);
  assert.doesNotMatch(flat, DOUBLED, `${what}: ${flat}`);
}

test('no doubled punctuation where a computed part ends a sentence (starting…, Jr., a reason with its own full stop)', () => {
  assertClean(busyText('Run #1', null, syntax), 'busy while starting');
  assertClean(busyText('Run #1', { runId: 1, phase: 'evaluate' }, syntax), 'busy while evaluating');
  assertClean(busyText('Run #1', { runId: 1, phase: 'save' }, syntax), 'busy while saving');
  assertClean(helpText(syntax, ['Ada Lovelace', 'Robert Downey Jr.']), 'help with a name ending in a full stop');
  const done = {
    runId: 2,
    preset: 2 as const,
    backend: 'wasm',
    status: 'done' as const,
    seconds: 3,
    testAccuracy: 0.9,
    top3Accuracy: 1,
    bestEpoch: 3,
    promoted: false,
  };
  assertClean(outcomeText('Run #2', { ...done, promotion: 'the active model is better (95.0% > 90.0%).' }, null), 'a reason ending in a full stop');
  assert.match(plain(busyText('Run #1', null, syntax)), /^Run #1 is still training: starting… Wait for it to finish/);
  assert.match(plain(outcomeText('Run #2', { ...done, promotion: 'it knows other people' }, null)), /Not made the active model: it knows other people\.$/);
});
