/**
 * How much CPU other processes used while a section ran, per phase, next to this process's
 * own CPU time (all its threads). A large figure means that phase's numbers are contaminated
 * (e.g. a test suite running alongside). Linux only (null elsewhere).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuPhase {
  wallSeconds: number;
  /** CPU seconds used by this process (all threads). */
  ownCpuSeconds: number;
  /** CPU seconds taken by all other processes, or null without /proc. */
  otherCpuSeconds: number | null;
  /** otherCpuSeconds / wallSeconds, in cores (near 0 on a quiet machine). */
  otherCores: number | null;
  /** Cores the whole machine kept busy on average (everything but idle and iowait, /proc/stat), or null. */
  machineBusyCores: number | null;
}

export interface CpuReport extends CpuPhase {
  byPhase: Record<string, CpuPhase>;
}

/** USER_HZ; 100 on practically every Linux build. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds of every other process, from /proc/<pid>/stat (utime + stime + cutime + cstime).
 * Counting reaped children's time (cutime/cstime) makes the difference between two snapshots
 * include processes that started and exited in between (e.g. a test run under npm).
 * Machine-wide /proc/stat is not used: in one check on this VM it showed about 0.5 core more
 * busy time than the processes accounted for while one core worked.
 */
function otherProcessesSeconds(): number | null {
  let seconds = 0;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      seconds += processCpuSeconds(Number(entry)) ?? 0; // null: exited meanwhile
    }
  } catch {
    return null;
  }
  return seconds;
}

/** CPU seconds of one process and its reaped children (utime + stime + cutime + cstime), or null when it is gone or there is no /proc. */
export function processCpuSeconds(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime, stime, cutime, cstime are fields 14-17.
  return (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) / TICKS_PER_SECOND;
}

/** Resident set size of a process in MiB (VmRSS), or null when it is gone or there is no /proc. */
export function processRssMiB(pid: number): number | null {
  try {
    const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return kb ? Math.round((Number(kb[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

interface Snapshot {
  wall: number;
  own: number;
  others: number | null;
  machine: number | null;
}

function snapshot(): Snapshot {
  const u = process.cpuUsage();
  return { wall: Number(process.hrtime.bigint()) / 1e9, own: (u.user + u.system) / 1e6, others: otherProcessesSeconds(), machine: machineBusySeconds() };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function between(a: Snapshot, b: Snapshot): CpuPhase {
  const wallSeconds = b.wall - a.wall;
  const ownCpuSeconds = b.own - a.own;
  const other = a.others === null || b.others === null ? null : Math.max(0, b.others - a.others);
  const machine = a.machine === null || b.machine === null || wallSeconds <= 0 ? null : r2((b.machine - a.machine) / wallSeconds);
  return {
    wallSeconds: r2(wallSeconds),
    ownCpuSeconds: r2(ownCpuSeconds),
    otherCpuSeconds: other === null ? null : r2(other),
    otherCores: other === null || wallSeconds <= 0 ? null : r2(other / wallSeconds),
    machineBusyCores: machine,
  };
}

export class CpuMeter {
  private readonly first = snapshot();
  private phaseStart = this.first;
  private phase = 'start';
  private readonly phases: Record<string, CpuPhase> = {};

  /** Closes the current phase and starts `name`. */
  mark(name: string): void {
    const now = snapshot();
    this.phases[this.phase] = between(this.phaseStart, now);
    this.phase = name;
    this.phaseStart = now;
  }

  stop(): CpuReport {
    this.mark('end');
    return { ...between(this.first, this.phaseStart), byPhase: this.phases };
  }
}

export interface QuietCheck {
  /** Other processes' CPU, in cores, over the last probe before starting. */
  otherCores: number | null;
  waitedSeconds: number;
  quiet: boolean;
}

/** Busy CPU seconds of the whole machine from /proc/stat (all but idle and iowait), or null. */
function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Other processes' load over one second while this one sleeps, in cores: the larger of what
 * /proc/<pid> accounts for and the machine-wide busy time. The second sees processes this one
 * cannot list (another container's, on a shared VM: measured 1.5 cores busy that the process
 * list did not show); the first counts where /proc/stat is coarse.
 */
async function otherLoadOverOneSecond(): Promise<number | null> {
  const [a, m1] = [otherProcessesSeconds(), machineBusySeconds()];
  await new Promise((r) => setTimeout(r, 1000));
  const [b, m2] = [otherProcessesSeconds(), machineBusySeconds()];
  if (a === null || b === null) return null;
  return r2(Math.max(b - a, m1 === null || m2 === null ? 0 : m2 - m1));
}

/**
 * Waits (bounded by `maxSeconds`) until other processes use at most `threshold` cores over a
 * 1-second probe, so a test suite or a training run finishing elsewhere does not skew results.
 * Returns anyway after `maxSeconds`, reporting that the machine was busy.
 */
export async function waitForQuiet(maxSeconds: number, threshold: number, log: (line: string) => void): Promise<QuietCheck> {
  const t0 = Date.now();
  let otherCores: number | null = null;
  let announced = false;
  for (let probe = 0; probe < Math.max(1, maxSeconds) + 1; probe++) {
    const load = await otherLoadOverOneSecond();
    if (load === null) return { otherCores: null, waitedSeconds: 0, quiet: true };
    otherCores = load;
    const waitedSeconds = r2((Date.now() - t0) / 1000);
    if (otherCores <= threshold) return { otherCores, waitedSeconds, quiet: true };
    if (waitedSeconds >= maxSeconds) break;
    if (!announced) log(`other processes are using ${otherCores} cores; waiting up to ${maxSeconds} s for a quiet machine`);
    announced = true;
  }
  log(`machine still busy (${otherCores} cores used by other processes); measuring anyway`);
  return { otherCores, waitedSeconds: r2((Date.now() - t0) / 1000), quiet: false };
}

/**
 * Sets the cores a running process and all its threads may use (`cores` as taskset takes it:
 * "0", "0-1"), with util-linux's taskset; threads it starts later inherit them. False where
 * that cannot be done (not Linux, no taskset).
 */
export function pinToCores(pid: number, cores: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
