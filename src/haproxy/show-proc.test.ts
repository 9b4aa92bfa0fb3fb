import { expect, test } from 'bun:test';
import { parseShowProc } from './show-proc.ts';

test('parses master, workers and old workers of haproxy 2.6', () => {
  const text = `#<PID>          <type>          <reloads>       <uptime>        <version>
2868            master          3 [failed: 1]   0d00h00m05s     2.6.12-1+deb12u4
# workers
2955            worker          0               0d00h00m01s     2.6.12-1+deb12u4
# old workers
2871            worker          1               0d00h00m05s     2.6.12-1+deb12u4
# programs

`;
  expect(parseShowProc(text)).toEqual({ masterPid: 2868, reloads: 3, failedReloads: 1, workerPids: [2955], oldWorkerPids: [2871] });
});

test('returns undefined for anything that is not show proc output', () => {
  expect(parseShowProc('Unknown command.\n')).toBeUndefined();
  expect(parseShowProc('')).toBeUndefined();
});
