// Finding a person among a gallery's labels: exact, prefix, word-prefix and typo matches, best first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeopleIndex, searchPeople } from '../src/engine/gallery/search.js';

const LABELS = [
  'Robert Downey Jr',
  'Scarlett Johansson',
  'Tom Hanks',
  'Tom Hardy',
  'Tom Holland',
  'Beyoncé Knowles',
  'Will Smith',
  'Jaden Smith',
  "Conan O'Brien",
  'Hanks Tomlinson',
];
const names = (query: string, limit?: number) => searchPeople(LABELS, query, limit).map((h) => h.name);

test('an exact name matches whatever its case, accents and punctuation, and comes first', () => {
  for (const query of ['Tom Hanks', 'tom hanks', '  TOM   HANKS ']) {
    const [best] = searchPeople(LABELS, query);
    assert.deepEqual(best, { name: 'Tom Hanks', exact: true, score: 1 }, query);
  }
  assert.equal(searchPeople(LABELS, 'beyonce knowles')[0].name, 'Beyoncé Knowles');
  assert.equal(searchPeople(LABELS, 'conan obrien')[0].exact, true);
  assert.equal(searchPeople(LABELS, 'robert downey jr.')[0].exact, true);
});

test('the start of a name, or the start of its words, finds the person', () => {
  assert.deepEqual(names('scarlett'), ['Scarlett Johansson']);
  assert.deepEqual(names('downey'), ['Robert Downey Jr']);
  assert.deepEqual(names('rob downey'), ['Robert Downey Jr']);
  assert.deepEqual(names('smith'), ['Will Smith', 'Jaden Smith'], 'equal scores keep the labels order');
  const tom = names('tom');
  assert.deepEqual(tom.slice(0, 3), ['Tom Hanks', 'Tom Hardy', 'Tom Holland'], 'names that start with the query before names with a later word');
  assert.deepEqual(names('tom h', 2), ['Tom Hanks', 'Tom Hardy'], 'the limit');
  assert.equal(searchPeople(LABELS, 'scarlett')[0].exact, false);
});

test('a typo or two, one per ~5 letters, still finds the person; more do not', () => {
  assert.equal(names('tom hamks')[0], 'Tom Hanks');
  assert.equal(names('scarlet johanson')[0], 'Scarlett Johansson');
  assert.equal(names('scarlwt')[0], 'Scarlett Johansson', 'a typo in a name still being typed');
  assert.equal(names('robert downy')[0], 'Robert Downey Jr');
  assert.deepEqual(names('tim'), [], 'no typos allowed in a three-letter word');
  assert.deepEqual(names('xyz hanks qq'), []);
  const [typo] = searchPeople(LABELS, 'tom hamks');
  assert.ok(typo.score < 0.8 && !typo.exact);
});

test('nothing for an empty query; the index answers the same as the one-off search', () => {
  assert.deepEqual(searchPeople(LABELS, ''), []);
  assert.deepEqual(searchPeople(LABELS, ' .- '), []);
  const index = new PeopleIndex(LABELS);
  assert.equal(index.size, LABELS.length);
  for (const q of ['tom', 'downey', 'tom hamks']) assert.deepEqual(index.search(q), searchPeople(LABELS, q));
});

test('other spellings (aliases) find their person, answered under the label, once', () => {
  const labels = ['Chris Pratt', 'Chris Pine', 'Tom Hanks'];
  const aliases = { 'Chris Patt': 'Chris Pratt', 'Ghost Person': 'Not A Label' };
  assert.deepEqual(searchPeople(labels, 'Chris Patt', 5, aliases)[0], { name: 'Chris Pratt', exact: true, score: 1 });
  assert.deepEqual(searchPeople(labels, 'chris pratt', 5, aliases)[0], { name: 'Chris Pratt', exact: true, score: 1 });
  const partial = searchPeople(labels, 'chris pat', 5, aliases);
  assert.deepEqual(
    partial.map((h) => h.name),
    ['Chris Pratt'],
    'the alias starts with the query; the label is listed once',
  );
  assert.deepEqual(searchPeople(labels, 'ghost person', 5, aliases), [], 'an alias of an unknown label finds nobody');
  assert.equal(searchPeople(labels, 'Chris Patt')[0]?.exact ?? false, false, 'without the aliases, only a near name');
});

test('1,700 labels are searched quickly', () => {
  const labels = Array.from({ length: 1700 }, (_, i) => `Person${i} Surname${(i * 7919) % 1700}`);
  labels.push('Tom Hanks');
  const index = new PeopleIndex(labels);
  const start = performance.now();
  for (const q of ['t', 'to', 'tom', 'tom h', 'tom ha', 'tom han', 'tom hank', 'tom hanks', 'surname12', 'persn17']) index.search(q, 25);
  const perSearch = (performance.now() - start) / 10;
  assert.ok(perSearch < 50, `${perSearch.toFixed(1)} ms per search`);
  assert.equal(index.search('tom hanks')[0].name, 'Tom Hanks');
});
