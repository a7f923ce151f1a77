/** Describes the machine a benchmark ran on, so numbers from different runs can be compared. */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { BackendInfo } from '../src/engine/runtime/backend.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryGiB: number;
  platform: string;
  node: string;
  tfjsBackend: string;
  tfjsProvider: string;
  tfjsVersion: string;
  wasmSimd: boolean | null;
  wasmThreads: boolean | null;
  /** 1, 5, 15-minute load averages when the run started: other work on the machine skews results. */
  loadAverageAtStart: number[];
  /** ISO timestamp of the run. */
  date: string;
}

async function flag(name: string): Promise<boolean | null> {
  try {
    return Boolean(await tf.env().getAsync(name));
  } catch {
    return null;
  }
}

export async function describeMachine(backend: BackendInfo, startedAt: Date, loadAverageAtStart: number[]): Promise<MachineInfo> {
  const cpus = os.cpus();
  const wasm = backend.name === 'wasm';
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjsBackend: backend.name,
    tfjsProvider: backend.provider,
    tfjsVersion: backend.tfjsVersion,
    wasmSimd: wasm ? await flag('WASM_HAS_SIMD_SUPPORT') : null,
    wasmThreads: wasm ? await flag('WASM_HAS_MULTITHREAD_SUPPORT') : null,
    loadAverageAtStart: loadAverageAtStart.map((v) => Math.round(v * 100) / 100),
    date: startedAt.toISOString(),
  };
}

export function machineLine(m: MachineInfo): string {
  const wasm = m.tfjsBackend === 'wasm' ? ` (SIMD ${m.wasmSimd ? 'on' : 'off'}, threads ${m.wasmThreads ? 'on' : 'off'})` : '';
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGiB} GiB RAM, ${m.platform}, Node ${m.node}, tfjs ${m.tfjsVersion} ${m.tfjsBackend}${wasm}, ` +
    `load avg at start ${m.loadAverageAtStart.join(' / ')}, ${m.date}`
  );
}

/** "AMD EPYC, 2 cores, Node v20.20.2": the machine in one phrase, for sections that need no backend details. */
export function shortMachineLine(): string {
  return `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
}
