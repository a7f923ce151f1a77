/** `celeb data fetch <id...|all>`: the gallery's public datasets, downloaded, checked and laid out as `<out>/<id>/<Person>/<file>`. */
import path from 'node:path';
import type { AppConfig } from '../config.js';
import { DATASET_SOURCES, datasetSource, type DatasetSource } from '../engine/gallery/catalog.js';
import { fetchSource, SourceExistsError, type FetchReport } from '../engine/gallery/fetch.js';
import { parse, usageError, UsageError } from './args.js';
import { fetchProgressBar } from './progress.js';
import { jsonText } from '../base/format.js';

/** The sources named on the command line, in catalog order, each once. */
function chosenSources(ids: string[]): DatasetSource[] {
  if (ids.includes('all')) return [...DATASET_SOURCES];
  const unknown = ids.filter((id) => !datasetSource(id));
  if (unknown.length > 0)
    throw new UsageError(`Unknown source ${unknown.map((id) => `"${id}"`).join(', ')}; known: ${DATASET_SOURCES.map((s) => s.id).join(', ')}, all`);
  return DATASET_SOURCES.filter((s) => ids.includes(s.id));
}

function printList(json: boolean | undefined): void {
  if (json) {
    const list = DATASET_SOURCES.map(({ id, title, repo, commit, prefix, files, digest, about }) => ({
      id,
      title,
      repo,
      commit,
      prefix,
      files,
      digest,
      about,
    }));
    console.log(jsonText(list, 2));
    return;
  }
  const width = Math.max(...DATASET_SOURCES.map((s) => s.id.length));
  for (const s of DATASET_SOURCES) console.log(`${s.id.padEnd(width)}  ${s.about}  [${s.repo}@${s.commit.slice(0, 7)}]`);
}

export async function dataFetchCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { out: { type: 'string' }, list: { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    'data fetch',
  );
  if (values.list) {
    printList(values.json);
    return 0;
  }
  if (positionals.length === 0) throw usageError('data fetch', 'Name a source or "all" (celeb data fetch --list shows them).');
  const sources = chosenSources(positionals);
  const outDir = path.resolve(values.out ?? config.paths.sources);
  const cacheDir = config.paths.downloads;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const reports: FetchReport[] = [];
  try {
    for (const source of sources) {
      const report = await fetchSource(source, {
        outDir,
        cacheDir,
        baseUrl: config.fetchBaseUrl,
        force: values.force,
        onProgress: fetchProgressBar(),
        signal: controller.signal,
      }).catch((error: unknown) => {
        throw error instanceof SourceExistsError
          ? new UsageError(`${error.dir} already exists and was not made by celeb data fetch; pass --force to replace it`)
          : error;
      });
      reports.push(report);
      if (!values.json) console.log(describe(report));
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  if (values.json) console.log(jsonText(reports, 2));
  return 0;
}

function describe(r: FetchReport): string {
  const rel = (f: string) => path.relative(process.cwd(), f) || '.';
  const what = `${r.photos} photos of ${r.people} people in ${rel(r.dir)}`;
  return r.alreadyThere ? `${r.id}: already fetched, ${what} (--force lays it out again)` : `${r.id}: ${what} (archive kept in ${rel(r.archive)})`;
}
