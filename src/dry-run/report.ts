import type { DesiredConfig } from '../plan/desired-config.ts';
import { describeRoute } from '../commit/route-changes.ts';
import { objectKey } from '../domain/route.ts';
import { escapeLogText } from '../log.ts';
import type { CheckResult } from '../haproxy/check-config.ts';

/** What a source said while it was read: errors are files it could not read or use, warnings what it skipped. */
export interface SourceProblem {
  level: 'error' | 'warn';
  message: string;
}

const column = (label: string) => label.padEnd(12);

/** One line per route (admitted with what it serves, or rejected with why), oldest key first. */
export function routeLines(desired: Pick<DesiredConfig, 'admitted' | 'rejected' | 'notices'>): string[] {
  const verdicts = new Map<string, [string, string]>();
  for (const route of desired.admitted) {
    const notice = desired.notices.get(objectKey(route));
    verdicts.set(objectKey(route), ['admitted', `${describeRoute(route)}${notice ? ` (but ${notice})` : ''}`]);
  }
  for (const [key, r] of desired.rejected) verdicts.set(key, ['rejected', `${r.reason}: ${r.message}`]);
  const width = Math.max(0, ...[...verdicts.keys()].map((key) => key.length));
  return [...verdicts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, [verdict, what]]) => `${column(verdict)}${key.padEnd(width)}  ${what}`);
}

/**
 * `router check`'s report: each route's admission, each file the source
 * could not use, haproxy's verdict on the result, and a summary. Any
 * rejected route, unusable file or refusal by haproxy is a problem.
 */
export function checkReport(input: { desired: DesiredConfig; problems: readonly SourceProblem[]; haproxy: CheckResult }): { text: string; ok: boolean } {
  const { desired, problems, haproxy } = input;
  const unreadable = problems.filter((p) => p.level === 'error');
  const lines = [
    ...routeLines(desired),
    ...unreadable.map((p) => `${column('unreadable')}${p.message}`),
    ...problems.filter((p) => p.level === 'warn').map((p) => `${column('warning')}${p.message}`),
    haproxy.ok ? `${column('haproxy -c')}configuration valid` : `${column('haproxy -c')}refused the configuration:`,
    ...(haproxy.ok ? [] : haproxy.output.map((line) => `${column('')}${line}`)),
  ];
  const routes = desired.admitted.length + desired.rejected.size;
  const files = unreadable.length === 1 ? '1 unreadable file' : `${unreadable.length} unreadable files`;
  lines.push(`${routes} routes: ${desired.admitted.length} admitted, ${desired.rejected.size} rejected; ${files}; haproxy -c ${haproxy.ok ? 'ok' : 'failed'}`);
  const text = lines.map((line) => `${escapeLogText(line)}\n`).join('');
  return { text, ok: desired.rejected.size === 0 && unreadable.length === 0 && haproxy.ok };
}
