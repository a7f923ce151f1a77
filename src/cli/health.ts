/**
 * `celeb health`: asks the running bot's `/healthz` (on `CELEB_HTTP_PORT`, this machine) and
 * exits 0 when it is healthy, 1 when not or unreachable: what a container HEALTHCHECK or a
 * service manager's probe runs, with no curl in the image.
 */
import { ConfigError, type AppConfig } from '../config.js';
import type { HealthReport } from '../bots/ops/health.js';
import { numberOption, parse } from './args.js';

/** A wildcard bind address is reached on loopback; an IPv6 literal needs brackets in a URL. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function healthCommand(argv: string[], config: AppConfig): Promise<number> {
  const { values } = parse(argv, { timeout: { type: 'string' }, json: { type: 'boolean' } }, 'health');
  const seconds = numberOption(values.timeout, 'timeout', 5, 0.1, 600);
  if (!config.http || config.http.port === 0) throw new ConfigError('celeb health asks the bot on CELEB_HTTP_PORT: set it to the port the bot serves on');
  const url = `http://${urlHost(config.http.host)}:${config.http.port}/healthz`;
  let status: number;
  let report: HealthReport;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(seconds * 1000) });
    status = res.status;
    report = (await res.json()) as HealthReport;
  } catch (error) {
    const reason = `${url} did not answer: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    if (values.json) console.log(JSON.stringify({ status: 'unreachable', reason }));
    else console.log(`unreachable: ${reason}`);
    return 1;
  }
  if (values.json) console.log(JSON.stringify(report));
  else if (status === 200)
    console.log(
      `ok: ${Object.entries(report.checks)
        .map(([name, c]) => `${name} ${c.detail}`)
        .join('; ')}`,
    );
  else console.log(`unavailable (${status}): ${report.reason ?? 'no reason given'}`);
  return status === 200 ? 0 : 1;
}
