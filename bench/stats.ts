import { readFileSync } from 'node:fs';

/** Small helpers shared by the benchmarks: timing, percentiles and printing. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)];
}

export function summarise(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** Runs `task(i)` for i in [0, total) with `concurrency` workers; returns elapsed ms. */
export async function runConcurrently(
  total: number,
  concurrency: number,
  task: (i: number, worker: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const start = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < total) await task(next++, worker);
    }),
  );
  return nowMs() - start;
}

/**
 * Runs a workload once to warm up, then `runs` times, and returns the median rate in units per
 * second; `workload` returns how many units it did and takes the run number.
 */
export async function medianRate(runs: number, workload: (run: number) => Promise<number>): Promise<number> {
  await workload(-1);
  const rates: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = nowMs();
    const units = await workload(run);
    rates.push((units / (nowMs() - start)) * 1000);
  }
  return summarise(rates).p50;
}

/** Peak resident set size of a process, from /proc (Linux), in MiB. */
export function peakRssMiB(pid: number = process.pid): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // not Linux: fall back to the current process's own figure below
  }
  return pid === process.pid ? process.memoryUsage().rss / 1024 / 1024 : NaN;
}

export function report(label: string, value: string, target?: string): void {
  const verdict = target ? `   (target ${target})` : '';
  console.log(`${label.padEnd(72)} ${value.padStart(14)}${verdict}`);
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
