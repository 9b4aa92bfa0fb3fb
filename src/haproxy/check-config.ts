import { dirname } from 'node:path';
import { configArgs } from './config-args.ts';
import { errorMessage } from '../errors.ts';
import { CONFIG_CHECK_TIMEOUT_MS } from './timeouts.ts';

export interface CheckResult {
  ok: boolean;
  /** haproxy's own lines (alerts and warnings), for the log. */
  output: string[];
}

/** Runs `haproxy -c` on a candidate so a config haproxy rejects never replaces the running one. */
export async function checkConfig(haproxyBinary: string, configPath: string): Promise<CheckResult> {
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  try {
    proc = Bun.spawn([haproxyBinary, '-c', ...configArgs(configPath)], {
      // haproxy goes back to the directory it started in after each file (default-path config): that must be one
      // it may enter, which the router's own may not be (a user's home, a temporary clone).
      cwd: dirname(configPath),
      stdout: 'pipe',
      stderr: 'pipe',
      stdin: 'ignore',
      timeout: CONFIG_CHECK_TIMEOUT_MS,
    });
  } catch (err) {
    return { ok: false, output: [`cannot run ${haproxyBinary}: ${errorMessage(err)}`] };
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const output = `${stderr}\n${stdout}`
    .split('\n')
    .map((l) => l.trimEnd())
    // The version and path notices are noise in a failure report.
    .filter((l) => /^\[(ALERT|WARNING)\]/.test(l));
  return { ok: code === 0, output };
}
