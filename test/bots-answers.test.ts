// A photo's answer for gallery models: the "% similar" wording (the card is tested in card.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plain } from '../src/bots/core/text.js';
import { manyFacesText, singleFaceText } from '../src/bots/core/texts/recognition.js';
import { numbered, prediction } from './helpers/bots-core.js';

/** A prediction whose matches carry similarities, as a gallery model answers. */
function galleryPrediction(names: string[][]) {
  const p = prediction(names);
  for (const face of p.faces) face.matches.forEach((m, k) => (m.similarity = [0.834, 0.71, 0.695][k]));
  return p;
}

test('with similarity the answer says "% similar" for the best match and plain percentages for the runners-up', () => {
  const one = galleryPrediction([['Tom Hanks', 'Will Smith', 'Brad Pitt']]);
  assert.equal(plain(singleFaceText(one.faces[0])), 'You look most like Tom Hanks (83% similar), then Will Smith (71%), Brad Pitt (70%)');
  const alone = galleryPrediction([['Tom Hanks']]);
  assert.equal(plain(singleFaceText(alone.faces[0])), 'You look most like Tom Hanks (83% similar)');
  const two = galleryPrediction([
    ['A', 'B'],
    ['C', 'D'],
  ]);
  assert.equal(
    plain(manyFacesText(numbered(two.faces), 2)),
    'I see 2 faces, numbered on the picture:\n1. A (83% similar), then B (71%)\n2. C (83% similar), then D (71%)',
  );
  const softmax = prediction([['Tom Hanks', 'Will Smith']]);
  assert.equal(plain(singleFaceText(softmax.faces[0])), 'You look most like Tom Hanks (87%). Also: Will Smith 6%', 'no similarity: the confidence wording');
});
