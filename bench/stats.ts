/** Small statistics for benchmark samples (milliseconds). */
import { loadavg } from 'node:os';
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const median = (samples: number[]): number => quantile(samples, 0.5);
export const p95 = (samples: number[]): number => quantile(samples, 0.95);
export const ms = (value: number): string => `${value.toFixed(1)} ms`;

/** The machine's load averages (1, 5, 15 minutes), printed beside figures from a shared machine. */
export function loads(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(', ');
}
