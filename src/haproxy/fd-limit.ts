import { readFileSync } from 'node:fs';

/** Reads the hard "Max open files" limit haproxy will be able to raise its own limit to. */
export function parseOpenFileLimit(procLimits: string): number | undefined {
  const line = procLimits.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.trim().split(/\s+/)[4];
  if (hard === undefined) return undefined;
  return hard === 'unlimited' ? Number.POSITIVE_INFINITY : Number(hard) || undefined;
}

export function readOpenFileLimit(): number | undefined {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return undefined;
  }
}
