/**
 * The process `runInNetns` starts inside the new network namespace: brings
 * `lo` up, names the namespace (so leftovers can be found and killed), runs
 * the scenario module's default export and prints its result as JSON.
 */
import { readlinkSync } from 'node:fs';
import { NETNS_LINE, PARENT_NETNS_VAR, RESULT_LINE } from './netns.ts';

const scenario = process.argv[2];
if (!scenario) throw new Error('usage: netns-runner.ts <scenario module>');
const ns = readlinkSync('/proc/self/ns/net');
if (ns === process.env[PARENT_NETNS_VAR]) throw new Error('not in a network namespace of its own: refusing to run');
process.stdout.write(`${NETNS_LINE}${ns}\n`);
const up = Bun.spawnSync(['ip', 'link', 'set', 'lo', 'up'], { stderr: 'pipe' });
if (up.exitCode !== 0) throw new Error(`ip link set lo up: ${up.stderr.toString()}`);

const run = (await import(scenario)) as { default: () => Promise<unknown> };
const result = await run.default();
await Bun.write(Bun.stdout, `${RESULT_LINE}${JSON.stringify(result)}\n`);
// A handle the scenario left open must not hold the test until its timeout; runInNetns kills what is left.
process.exit(0);
