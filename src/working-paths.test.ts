import { describe, expect, test } from 'bun:test';
import { join, relative } from 'node:path';
import { masterDirectory } from './haproxy/master-command.ts';
import { CONFIG_FILE, configFileNames, MAX_BACKEND_FILES, MAX_CHECK_FILES } from './config/config-files.ts';
import { ROUTE_DEFAULTS_FILE } from './config/route-defaults.ts';
import { checkSocketPaths, workingPaths } from './working-paths.ts';

/** The longest working dir the socket paths allow (`/w` padded with `x`). */
const LONGEST = `/w${'x'.repeat(69)}`;
/** Linux's limit on one environment variable (or argument) of an exec, its terminating NUL included (MAX_ARG_STRLEN). */
const MAX_ARG_STRLEN = 128 * 1024;

describe('checkSocketPaths', () => {
  test('a working dir of 71 bytes is the longest whose sockets haproxy accepts', () => {
    expect(LONGEST.length).toBe(71);
    expect(() => checkSocketPaths(workingPaths(LONGEST))).not.toThrow();
    expect(() => checkSocketPaths(workingPaths(`${LONGEST}x`))).toThrow('use a shorter --working-dir');
  });

  test("with the most configuration files, haproxy's list of them still fits one environment variable", () => {
    // haproxy re-executes its master with every file it loaded in HAPROXY_CFGFILES, `;`-separated: what
    // `-f ../conf/haproxy.config -f ../conf` loads, from the master's directory (haproxy/master-command.ts).
    const conf = relative(masterDirectory(workingPaths(LONGEST)), join(workingPaths(LONGEST).workingDir, 'conf'));
    expect(conf).toBe('../conf');
    const names = configFileNames({ backends: MAX_BACKEND_FILES, checks: MAX_CHECK_FILES });
    const files = [CONFIG_FILE, ROUTE_DEFAULTS_FILE, ...names.backends, ...names.checks].map((name) => `${conf}/${name}`);
    const variable = `HAPROXY_CFGFILES=${files.join(';')}`;
    expect(variable.length + 1).toBeLessThanOrEqual(MAX_ARG_STRLEN);
  });
});
