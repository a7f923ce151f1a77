/**
 * Every command's help, in one table: `celeb <command> --help` prints it, a usage error quotes
 * its first lines, and the overview lists the commands. No command module is loaded to print
 * help, so `--help` answers at once.
 */

/** The most photos `which --top` lists for one face: the runners-up a reply can show and a person can read. */
export const MAX_TOP = 10;

export const COMMAND_HELP = {
  which: `celeb which <image...> [--top 3] [--max-faces N] [--crop] [--model DIR] [--json]

Who each face in each photo looks like, largest face first. A refused photo (missing, not an
image, no face...) gets its own error line and the others are still answered (exit 2).

  --top N          matches listed per face, 1 to ${MAX_TOP} (default 3)
  --max-faces N    answer at most N faces per photo (default: the engine's limit)
  --crop           the photos are already face crops: skip detection
  --model DIR      answer with this model directory instead of the active model
  --json           one JSON object per photo, numbers rounded to 4 decimals`,

  'data import': `celeb data import <dir> [--out <data dir>/face_data] [--split 70,15,15] [--seed 42] [--crop] [--force] [--json]

Lays out a folder-per-person tree as train/val/test/<Person>/ for \`celeb index\` and \`celeb train\`.

  --out DIR        where the split goes (default: <data dir>/face_data)
  --split A,B,C    train, val and test percentages (default 70,15,15)
  --seed N         the shuffle's seed (default 42)
  --crop           the photos are already face crops
  --force          replace a non-empty output folder
  --json           the summary as JSON`,

  'data fetch': `celeb data fetch <source id...|all> [--out <data dir>/sources] [--force] [--json]
celeb data fetch --list [--json]

Downloads the gallery's public datasets at pinned commits, checks their hashes and lays them
out as <out>/<source>/<Person>/. Nothing is downloaded unless you run this.

  --list           the sources, what they hold and where they come from
  --out DIR        where the sources go (default: <data dir>/sources)
  --force          replace a folder this command did not make
  --json           the result as JSON`,

  index: `celeb index [--data <data dir>/face_data] [--backbone faceres] [--out <data dir>/models/centroid-<backbone>] [--crop] [--no-twins] [--confusion FILE.json] [--json]

Builds a centroid model (one prototype per person) from the train split and prints its test accuracy.

  --data DIR       the split made by \`data import\` or \`gallery split\` (default: <data dir>/face_data)
  --backbone ID    the embedding network (default faceres; \`celeb info\` lists them)
  --out DIR        where the model goes (default: <data dir>/models/centroid-<backbone>)
  --crop           the photos are already face crops
  --no-twins       prototypes without small-face twins
  --confusion FILE write the test confusion matrix to FILE
  --json           the result as JSON`,

  train: `celeb train --run <1-6> | --all [options]

Runs one of the six training presets (or all), stored in SQLite. The result is promoted to the
active model only when it beats the model answering now on the same test photos.

  --run N                 preset 1 to 6 (\`celeb train --run\` with no number lists them)
  --all                   every preset, one after another
  --epochs N              epochs instead of the preset's
  --head fc1|fc2          one- or two-layer head
  --loss nll|focal        the loss
  --sample-pairing        mix pairs of photos during training (--no-sample-pairing to turn it off)
  --init random|prototypes  start the head at random or from the people's prototypes
  --margin M              cosine margin, 0 to below 1 (preset 6)
  --whitening             within-class whitening before the cosine head (preset 6)
  --lr X                  learning rate
  --seed N                random seed (default 42)
  --views N               augmented views per training photo
  --degrade N             degraded views (blur, JPEG, dim, grey, small) per training photo
  --backbone ID           embedding network (on a gallery split: the split's)
  --data DIR              the split to train on (default: <data dir>/face_data)
  --crop                  the photos are already face crops
  --json                  progress and result as JSON lines`,

  leaderboard: `celeb leaderboard [--json] [--png chart.png]

The accuracy table of every training run and recorded gallery, best first.

  --json           the rows as JSON
  --png FILE       also draw the table as a bar chart`,

  runs: `celeb runs [--json]
celeb runs show <id> [--png loss.png] [--json]

Training runs; one run's settings, result and loss curves.

  --png FILE       draw the run's loss curves (with \`show\`)
  --json           as JSON`,

  model: `celeb model show
celeb model use <runId|default>
celeb model export <runId> <dir>

Which model answers photos. \`use\` pins a run's model (later runs do not replace it) or goes
back to the shipped default; \`export\` copies a finished run's model to a directory.`,

  info: `celeb info [--json]

The runtime of each stage (detection, embedding), onnxruntime's version, the active model,
the backbones, versions and where each thing lives (model, data directory, database, caches).

  --json           as JSON`,

  health: `celeb health [--timeout 5] [--json]

Asks the running bot's /healthz on CELEB_HTTP_PORT (this machine): exit 0 when it is healthy,
1 when it is not or does not answer. What a container's HEALTHCHECK runs.

  --timeout S      seconds to wait for the answer, 0.1 to 600 (default 5)
  --json           the bot's health report as JSON`,

  'db backup': `celeb db backup <new file> [--json]

A consistent copy of the SQLite database (runs, results, feature cache), safe while the bot runs.

  --json           the result as JSON`,

  worker: `celeb worker [--concurrency N]

Takes recognition requests (photos) from the queue the bots put them on, answers them with this
machine's engine and sends the answers back to the bot that asked. Run as many as you like, on
any machine that reaches the Redis server and the model directory. Logs are JSON lines on stdout.

  --concurrency N   photos taken at once (default: the engine's threads, CELEB_WORKERS)

Environment: CELEB_QUEUE_URL (required, the bots' Redis: redis://host:6379), CELEB_QUEUE_PREFIX,
CELEB_QUEUE_LOCK_SECONDS, CELEB_QUEUE_STALLED_SECONDS, CELEB_WORKERS, CELEB_BACKEND,
CELEB_ONNX_THREADS, CELEB_MODEL_DIR. The model is the one the primary publishes (its directory
must exist at the same path here), else this machine's active model.
SIGINT/SIGTERM: stop taking photos, finish those in hand, exit 0.`,

  'gallery build': `celeb gallery build <dir...> [--out <data dir>/models/gallery] [--backbone faceres+faceapi+flip] [--report FILE] [--candidates 16] [--cap 12] [--no-twins] [--json]

A gallery model from folder-per-person trees: merges names across sources, cleans each
person's photos, writes prototypes, thumbnails and a similarity scale, and prints what it
dropped and why.

  --out DIR         where the model goes (default: <data dir>/models/gallery)
  --backbone ID     the embedding network (default faceres+faceapi+flip)
  --report FILE     every dropped photo and why, as JSON
  --candidates N    photos embedded per person before cleaning (default 16)
  --cap N           photos kept per person (default 12)
  --no-twins        prototypes without small-face twins
  --json            the report as JSON`,

  'gallery eval': `celeb gallery eval <dir...> [--backbone faceres+faceapi+flip] [--twin-weight 0.5] [--json]

Rank-1/3/5 on held-out photos among all people, per source and with the face shrunk to 24 px;
strangers' answers; the similarity scale.

  --backbone ID     the embedding network (default faceres+faceapi+flip)
  --twin-weight W   weight of the small-face twins in the prototypes, 0 to 10 (default 0.5)
  --json            as JSON`,

  'gallery split': `celeb gallery split <dir...> [--out <data dir>/face_data] [--backbone faceres+faceapi+flip] [--force] [--json]

Lays out the gallery's own train/val/test split for \`celeb train\`, with the same cleaning and
merging as \`gallery build\`.

  --out DIR         where the split goes (default: <data dir>/face_data)
  --backbone ID     the embedding network (default faceres+faceapi+flip)
  --force           replace a non-empty output folder
  --json            as JSON`,

  'gallery info': `celeb gallery info [--model DIR] [--json]

Size, sources and photos of the answering gallery.

  --model DIR       another model directory
  --json            as JSON`,

  'gallery search': `celeb gallery search <name> [--model DIR] [--json]

Whether someone is in the gallery, under any spelling (exit 1 if not).

  --model DIR       another model directory
  --json            as JSON`,

  'gallery names': `celeb gallery names [<dir...> | --model DIR] [--references <data dir>/reference-names] [--max-edits N] [--all] [--json]

Checks the gallery's display names against VGGFace2's and LFW's name lists and prints the
spellings the lists propose that the reviewed table (src/engine/gallery/name-fixes.ts) has not
decided yet (exit 1 while any is undecided). Reads source trees, or a model's people.

  --model DIR       the model whose names to check (default: the active model)
  --references DIR  where identity_meta.csv and lfw-names.txt are (default: <data dir>/reference-names)
  --max-edits N     how many typing edits a proposal may be away (default: by the name's length)
  --all             every proposal, decided ones too
  --json            as JSON`,

  'eval robustness': `celeb eval robustness <dir> [--strangers DIR] [--per-person N] [--only clean,grey,...] [--no-fallbacks] [--model DIR] [--json]

Top-1 with detection on a folder of people's photos, clean and under grey, dim, small,
over-compressed, blurred, rotated, far-away, huge and mirrored versions.

  --strangers DIR   photos of people outside the gallery, for the flip agreement
  --per-person N    at most N photos per person
  --only A,B        only these perturbations
  --no-fallbacks    no detection fallbacks (tiles, upscaling)
  --model DIR       another model directory
  --json            as JSON`,

  'backbone calibrate': `celeb backbone calibrate <dir...> [--backbone faceapi8] [--faces 64] [--out FILE] [--json]

Measures an int8 backbone's activation ranges on the faces of folder-per-person photo trees
(one-face photos spread over the trees and their people, each with its mirror image) and
writes them where the backbone reads them (model/calibration/faceapi8.json). Needed only
when the converter's version changes; the shipped file came from the gallery's sources.

  --backbone ID     the int8 backbone (default faceapi8)
  --faces N         how many faces to measure (default 64)
  --out FILE        where to write (default: the backbone's own calibration file)
  --json            as JSON`,
} as const;

export type CommandPath = keyof typeof COMMAND_HELP;

/** Commands that are groups of subcommands: their help lists the subcommands' synopses. */
const GROUPS = ['data', 'gallery', 'eval', 'db', 'backbone'] as const;

export function isCommandPath(key: string): key is CommandPath {
  return Object.hasOwn(COMMAND_HELP, key);
}

/** The synopsis lines of a command (its help up to the first blank line). */
export function synopsis(command: CommandPath): string {
  return COMMAND_HELP[command].split('\n\n')[0];
}

/** The help `celeb <words> --help` prints: a command's, a subcommand's, or a group's list of synopses. */
export function helpFor(words: readonly string[]): string | undefined {
  const [name, sub] = words;
  if (sub !== undefined && isCommandPath(`${name} ${sub}`)) return `Usage: ${COMMAND_HELP[`${name} ${sub}` as CommandPath]}`;
  if (isCommandPath(name)) return `Usage: ${COMMAND_HELP[name]}`;
  if ((GROUPS as readonly string[]).includes(name)) {
    const subs = (Object.keys(COMMAND_HELP) as CommandPath[]).filter((k) => k.startsWith(`${name} `));
    return `Usage:\n${subs.map((k) => `  ${synopsis(k).replace(/\n/g, '\n  ')}`).join('\n')}\n\n\`celeb ${name} <subcommand> --help\` explains one.`;
  }
  return undefined;
}
