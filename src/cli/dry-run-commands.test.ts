import { describe, expect, test } from 'bun:test';
import { takeOut, USAGE_EXIT_CODE } from './actions.ts';
import { runCli } from './command.ts';

/** Runs a command line, recording what each command was handed. */
async function cli(argv: readonly string[]) {
  const calls: unknown[][] = [];
  const err: string[] = [];
  const code = await runCli(argv, {}, {
    version: '1.2.3',
    stdout: () => {},
    stderr: (text) => err.push(text),
    run: (options) => (calls.push(['run', options.source]), Promise.resolve(0)),
    render: (options, outDir) => (calls.push(['render', options.source, outDir]), Promise.resolve(5)),
    check: (options) => (calls.push(['check', options.source]), Promise.resolve(6)),
  });
  return { code, calls, stderr: err.join('') };
}

const manifests = (dir: string) => ({ kind: 'manifests', dir });

describe('router render and router check', () => {
  test.each<[readonly string[], unknown[]]>([
    [['render', '--manifests', '/m', '--out', '/tmp/out'], ['render', manifests('/m'), '/tmp/out']],
    [['render', '--out=/tmp/out', '--manifests=/m'], ['render', manifests('/m'), '/tmp/out']],
    [['check', '--manifests', '/m'], ['check', manifests('/m')]],
    [['check'], ['check', manifests('/etc/router/manifests')]],
  ])('%p hands the options to its command and returns its exit code', async (argv, call) => {
    const result = await cli(argv);
    expect(result.calls).toEqual([call]);
    expect(result.code).toBe(call[0] === 'render' ? 5 : 6);
  });

  test.each<[readonly string[], string]>([
    [['render', '--manifests=/m'], 'router: render needs --out DIR'],
    [['render', '--out'], 'router: flag needs an argument: --out'],
    [['render', '--out', '--manifests=/m'], 'router: flag needs an argument: --out'],
    [['render', '--out=/a', '--out=/b'], 'router: --out is given more than once'],
    [['check', '--out=/a'], 'router: unknown flag --out'],
    [['run', '--out=/a'], 'router: unknown flag --out'],
    [['render', '--out=/a', '--bogus'], 'router: unknown flag --bogus'],
  ])('%p is a usage error', async (argv, error) => {
    const result = await cli(argv);
    expect(result.calls).toEqual([]);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stderr.split('\n')[0]).toBe(error);
  });
});

describe('takeOut', () => {
  test('an --out after -- is no flag', () => {
    expect(takeOut(['--out=/a', '--', '--out=/b'])).toEqual({ dir: '/a', rest: ['--', '--out=/b'] });
  });
});
