import { afterEach, expect, test } from 'bun:test';
import { chmodSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { BACKGROUND_NICE, checkConfig } from './check-config.ts';

let dir: ReturnType<typeof shortTempDir> | undefined;
afterEach(() => dir?.remove());

/** A stand-in for haproxy that reports, as a warning, the niceness and scheduling policy (stat fields 19 and 41; ps shows no niceness in the idle class) it runs at once the checker had time to set them. */
function niceReporter(): string {
  dir = shortTempDir('nice');
  const path = join(dir.path, 'haproxy');
  writeFileSync(path, '#!/bin/sh\nsleep 0.3\necho "[WARNING] nice $(cut -d\' \' -f19 /proc/$$/stat) policy $(cut -d\' \' -f41 /proc/$$/stat)" >&2\n');
  chmodSync(path, 0o755);
  return path;
}

test('a check runs at the router\'s priority, a background one at the lowest and in the idle scheduling class', async () => {
  const haproxy = niceReporter();
  const config = join(dir!.path, 'haproxy.config');
  writeFileSync(config, 'global\n');
  // Policies: 0 SCHED_OTHER, 5 SCHED_IDLE.
  expect(await checkConfig(haproxy, config)).toEqual({ ok: true, output: [`[WARNING] nice ${getPriority()} policy 0`] });
  expect(await checkConfig(haproxy, config, BACKGROUND_NICE)).toEqual({ ok: true, output: [`[WARNING] nice ${BACKGROUND_NICE} policy 5`] });
});
