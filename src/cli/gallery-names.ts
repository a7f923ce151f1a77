/**
 * `celeb gallery names`: checks the gallery's names against the reference lists and prints the
 * spellings the lists propose that the reviewed table (src/engine/gallery/name-fixes.ts) has not
 * decided yet. Reads source trees (the names a build would show) or a model's people.
 */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { decisionOf, proposeSpellings, allowedEdits, type Decision, type NameProposal } from '../engine/gallery/canonical-names.js';
import { readGalleryPeople } from '../engine/model/people-file.js';
import { groupPeople } from '../engine/gallery/people.js';
import { readReferenceLists } from '../engine/gallery/reference-names.js';
import { scanSourceTrees } from '../engine/gallery/tree.js';
import { readManifest } from '../engine/model/model-dir.js';
import { intOption } from './args.js';

export interface NamesOptions {
  /** Source trees to read names from; none: the model's people. */
  dirs: string[];
  model: string;
  references?: string;
  maxEdits?: string;
  all?: boolean;
  json?: boolean;
}

/** The names to check: a build's display names before the table (from trees), or a model's labels. */
async function namesToCheck(options: NamesOptions): Promise<{ from: string; names: string[] }> {
  if (options.dirs.length > 0) {
    const sources = options.dirs.map((d) => path.resolve(d));
    return { from: sources.join(', '), names: groupPeople(scanSourceTrees(sources)).map((c) => c.name) };
  }
  const dir = path.resolve(options.model);
  const people = await readGalleryPeople(dir, await readManifest(dir));
  return { from: dir, names: people.map((p) => p.name) };
}

const describe = (d: Decision): string => (d.kind === 'renamed' ? `renamed to ${d.to}` : d.kind === 'kept' ? `kept: ${d.why}` : 'to review');

export async function namesCommand(options: NamesOptions, config: AppConfig): Promise<number> {
  const references = path.resolve(options.references ?? path.join(config.dataDir, 'reference-names'));
  const maxEdits = options.maxEdits === undefined ? null : intOption(options.maxEdits, 'max-edits', 1, 0);
  const lists = await readReferenceLists(references);
  const { from, names } = await namesToCheck(options);
  const edits = maxEdits === null ? allowedEdits : (length: number) => (length < 6 ? 0 : maxEdits);
  const proposals: (NameProposal & { decision: Decision })[] = proposeSpellings(names, lists, edits).map((p) => ({ ...p, decision: decisionOf(p) }));
  const open = proposals.filter((p) => p.decision.kind === 'undecided');
  const shown = options.all ? proposals : open;
  if (options.json) {
    console.log(
      JSON.stringify({ from, names: names.length, lists: lists.map((l) => ({ id: l.id, names: l.names.length })), proposals: shown, undecided: open.length }),
    );
  } else {
    const listText = lists.map((l) => `${l.id} (${l.names.length.toLocaleString('en-US')} names)`).join(', ');
    console.log(
      `${names.length.toLocaleString('en-US')} names checked against ${listText}: ${proposals.length} proposals, ${proposals.length - open.length} decided by the table, ${open.length} to review.`,
    );
    for (const p of shown) {
      const how = p.distance === 0 ? 'same letters' : `${p.distance} edit${p.distance > 1 ? 's' : ''}`;
      console.log(`  ${p.from} -> ${p.to} (${p.list}, ${how})${options.all ? `: ${describe(p.decision)}` : ''}`);
    }
    if (open.length > 0) console.log('Decide each in src/engine/gallery/name-fixes.ts: a rename in NAME_FIXES, or a rejection in NAME_KEEPS.');
  }
  // Exit 1 while proposals wait for a decision, so a check can fail on them.
  return open.length > 0 ? 1 : 0;
}
