import { describe, expect, test } from 'bun:test';
import { USAGE_EXIT_CODE } from './actions.ts';
import { runCli } from './command.ts';
import type { RouterOptions } from '../options.ts';
import { helpText } from './help.ts';

/** Runs the command with recording writers and a runner that exits with `runExit`. */
async function cli(argv: readonly string[], env: Record<string, string> = {}, runExit = 0) {
  const out: string[] = [];
  const err: string[] = [];
  const runs: RouterOptions[] = [];
  const code = await runCli(argv, env, {
    version: '1.2.3',
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    run: async (options) => {
      runs.push(options);
      return runExit;
    },
    render: () => Promise.reject(new Error('not a render')),
    check: () => Promise.reject(new Error('not a check')),
  });
  return { code, stdout: out.join(''), stderr: err.join(''), runs };
}

describe('runCli', () => {
  test.each([[['--help']], [['-h']], [['--http-port=1', '--help']], [['--bogus', '-h']], [['--help', '--version']], [['version', '--help']], [['run', '-h']]])(
    '%p prints the help and does not run',
    async (argv) => {
      const result = await cli(argv);
      expect(result).toEqual({ code: 0, stdout: helpText(), stderr: '', runs: [] });
    },
  );

  test.each([[['--version']], [['version']], [['--http-port=1', '--version']], [['run', '--version']], [['version', '--version']]])('%p prints the version', async (argv) => {
    expect(await cli(argv)).toEqual({ code: 0, stdout: 'router 1.2.3\n', stderr: '', runs: [] });
  });

  test.each<[string, readonly string[], Record<string, string>, string[]]>([
    ['unknown flag', ['--bogus'], {}, ['unknown flag --bogus']],
    [
      'version subcommand with arguments',
      ['version', 'now'],
      {},
      ['unexpected argument "version": router takes flags only', 'unexpected argument "now": router takes flags only'],
    ],
    ['--help after --', ['--', '--help'], {}, ['unexpected argument "--help": router takes flags only']],
    ['a word that names no command', ['serve', '--http-port=8080'], {}, ['unexpected argument "serve": router takes flags only']],
    ["a name from Object's prototype", ['constructor'], {}, ['unexpected argument "constructor": router takes flags only']],
    ['a boolean given a separate value', ['--strict-sni', 'true'], {}, ['unexpected argument "true": router takes flags only']],
    ['a command word after flags', ['--http-port=1', 'version'], {}, ['unexpected argument "version": router takes flags only']],
    ['a command word after the command', ['run', 'version'], {}, ['unexpected argument "version": router takes flags only']],
    [
      'several errors from argv and env',
      ['--disable-compression', '--http-port=0'],
      { ROUTER_HAPROXY_ADMIN_UNIX_SOCKET: '/run/haproxy/admin.sock' },
      [
        '--http-port: invalid value "0" (want an integer from 1 to 65535)',
        '--disable-compression is not implemented yet (left for later, no issue planned)',
        'ROUTER_HAPROXY_ADMIN_UNIX_SOCKET is not implemented yet (left for later, no issue planned)',
      ],
    ],
  ])('%s is a usage error', async (_name, argv, env, errors) => {
    const result = await cli(argv, env);
    expect(result.code).toBe(USAGE_EXIT_CODE);
    expect(result.stdout).toBe('');
    expect(result.runs).toEqual([]);
    expect(result.stderr).toBe([...errors.map((e) => `router: ${e}`), "Run 'router --help' for usage.", ''].join('\n'));
  });

  test.each([[['--manifests', '/m', '--interval=100ms']], [['run', '--manifests', '/m', '--interval', '100ms']]])(
    '%p: valid options are handed to run, whose exit code is returned',
    async (argv) => {
      const result = await cli(argv, { ROUTER_SERVICE_HTTP_PORT: '8080' }, 3);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe('');
      expect(result.runs).toHaveLength(1);
      expect(result.runs[0]).toMatchObject({ source: { kind: 'manifests', dir: '/m' }, intervalMs: 100, listen: { httpPort: 8080 } });
    },
  );
});
