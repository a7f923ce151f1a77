/**
 * `/healthz`: named checks (the engine or the queue, each platform's connection), each with a
 * one-line detail; healthy when every check passes. A check that throws or hangs fails with
 * that as its reason, so the endpoint itself always answers quickly.
 */

export interface CheckResult {
  ok: boolean;
  /** What was seen, e.g. `2 workers, model default` or `polling stopped: 401 Unauthorized`. */
  detail: string;
}

export type HealthCheck = () => CheckResult | Promise<CheckResult>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** The failing checks as `name: detail`, joined; absent when healthy. */
  reason?: string;
  checks: Record<string, CheckResult>;
}

/** Longest a single check may take (a queue ping) before it counts as failed. */
export const CHECK_TIMEOUT_MS = 2000;

async function runOne(check: HealthCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export async function runChecks(checks: ReadonlyMap<string, HealthCheck>, timeoutMs = CHECK_TIMEOUT_MS): Promise<HealthReport> {
  if (checks.size === 0) return { status: 'unavailable', reason: 'starting', checks: {} };
  const names = [...checks.keys()];
  const results = await Promise.all(names.map((name) => runOne(checks.get(name)!, timeoutMs)));
  const byName = Object.fromEntries(names.map((name, i) => [name, results[i]]));
  const failing = names.filter((name) => !byName[name].ok);
  return failing.length === 0
    ? { status: 'ok', checks: byName }
    : { status: 'unavailable', reason: failing.map((name) => `${name}: ${byName[name].detail}`).join('; '), checks: byName };
}
