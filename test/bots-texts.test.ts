// The bots' sentences: joins of computed parts never double the punctuation (defect 5 of issue 7); /help's list of people; /who's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bold, plain, type RichText } from '../src/bots/core/text.js';
import { helpText, leaderboardText } from '../src/bots/core/texts/help.js';
import { formatLeaderboard } from '../src/report/table.js';
import type { LeaderboardRow } from '../src/store/index.js';
import { busyText, outcomeText } from '../src/bots/core/texts/training.js';
import { whoFoundText, whoNotFoundText, whoUsageText } from '../src/bots/core/texts/who.js';
import { suggestPeople } from '../src/bots/core/who.js';
import { whoChoices } from '../src/bots/discord/commands.js';
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
  assertClean(outcomeText('Run #2', { ...done, promotion: 'the active model is better (95.0% > 90.0%).' }, null, syntax), 'a reason ending in a full stop');
  assert.match(plain(busyText('Run #1', null, syntax)), /^Run #1 is still training: starting… Wait for it to finish/);
  assert.match(
    plain(outcomeText('Run #2', { ...done, promotion: 'it knows other people' }, null, syntax)),
    /Not made the active model: it knows other people\. An admin can use it anyway with \/\S+ use[: ]2\.$/,
  );
  const promoted = plain(outcomeText('Run #2', { ...done, promoted: true, promotion: 'run 2 (90.00%) beats run 1' }, null, syntax));
  assert.match(promoted, /It is now the active model, photos are answered by it: run 2 \(90\.00%\) beats run 1\.$/);
});

test('leaderboard: a run whose best epoch was its last gets a * and the footnote, in the CLI table and in chat', () => {
  const row = (runId: number, stillImproving: boolean): LeaderboardRow => ({
    kind: 'run',
    runId,
    model: null,
    description: null,
    preset: 5,
    head: 'fc1',
    loss: 'nll',
    samplePairing: true,
    epochs: 8,
    bestEpoch: stillImproving ? 8 : 5,
    valLoss: 0.1234,
    testTop1: 0.9,
    testTop3: 1,
    backend: 'wasm',
    seconds: 12,
    createdAt: '2025-01-01T00:00:00.000Z',
    status: 'done',
    testSplit: 'abc',
    stillImproving,
  });
  const table = formatLeaderboard([row(1, true), row(2, false)]);
  assert.match(table, /#1 +5 +fc1 +nll +yes +8 +8\* +0\.1234/);
  assert.match(table, /#2 +5 +fc1 +nll +yes +8 +5 +0\.1234/);
  assert.match(table, /\n\n\* best epoch was the last: more epochs may help$/);
  assert.doesNotMatch(formatLeaderboard([row(2, false)]), /more epochs may help/);
  const chat = plain(leaderboardText([row(1, true)], syntax));
  assert.match(chat, / 8\* /);
  assert.match(chat, /\* best epoch was the last: more epochs may help$/);
  assert.doesNotMatch(plain(leaderboardText([row(2, false)], syntax)), /more epochs/);
});

test("/help names a small model's people, and only counts a big one's", () => {
  const small = plain(helpText(syntax, ['Ada Lovelace', 'Grace Hopper']));
  assert.match(small, /The current model knows 2 people: Ada Lovelace, Grace Hopper\.$/);
  const many = Array.from({ length: 1712 }, (_, i) => `Person ${i}`);
  const big = plain(helpText(syntax, many));
  assert.match(big, /I know 1,712 celebrities; ask \/who <name> to check someone\.$/);
  assert.ok(!big.includes('Person 1'));
  assert.match(plain(helpText(PLATFORMS.discord.syntax, many)), /ask \/who name:<name> to check/);
});

test('/who sentences: found, not found with suggestions in bold, a long query cut, and the usage', () => {
  assert.equal(plain(whoFoundText('Tom Hanks', 1712)), 'Yes, Tom Hanks is one of the 1,712 celebrities I know.');
  assert.deepEqual(whoFoundText('Tom Hanks', 2)[1], bold('Tom Hanks'));
  const missing = whoNotFoundText('Tom Hamks', 1712, ['Tom Hanks', 'Tom Hardy']);
  assert.equal(plain(missing), 'No one called "Tom Hamks" among the 1,712 celebrities I know. Did you mean: Tom Hanks, Tom Hardy?');
  assert.equal(plain(whoNotFoundText('x'.repeat(200), 3, [])), `No one called "${'x'.repeat(59)}…" among the 3 celebrities I know.`);
  assert.match(plain(whoUsageText(syntax, 17)), /^Which celebrity\? Ask \/who <name> .* among the 17 celebrities I know\.$/);
});

test('autocomplete suggestions: best first while typing, the first names alphabetically before', () => {
  const labels = ['Will Smith', 'Tom Hanks', 'Angelina Jolie', 'Tom Hardy'];
  assert.deepEqual(suggestPeople(labels, 'tom', 25), ['Tom Hanks', 'Tom Hardy']);
  assert.deepEqual(suggestPeople(labels, '', 2), ['Angelina Jolie', 'Tom Hanks']);
  assert.deepEqual(
    whoChoices(['A'.repeat(150), ...labels]).map((c) => c.name.length),
    [100, 10, 9, 14, 9],
  );
  assert.equal(whoChoices(Array.from({ length: 40 }, (_, i) => `P${i}`)).length, 25);
});
