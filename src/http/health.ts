/**
 * /healthz and /healthz/ready as openshift-router answers them (Kubernetes'
 * healthz handler): named checks, "ok" when all pass, else 500 with one
 * `[+]name ok` / `[-]name failed: reason withheld` line per check; `?verbose`
 * lists the checks on success too, and `/healthz/<check>` asks one check.
 */

export interface HealthCheck {
  readonly name: string;
  /** undefined when the check passes, else why it failed: sent only to who asks for this one check, as upstream (never a credential). */
  run(): Promise<string | undefined>;
}

export interface HealthAnswer {
  status: number;
  body: string;
}

/** The checks behind a path: `root` (healthz, healthz/ready) or one of them by name. */
export async function healthAnswer(root: string, checks: readonly HealthCheck[], subpath: string, verbose: boolean): Promise<HealthAnswer | undefined> {
  if (subpath !== '') {
    const check = checks.find((c) => c.name === subpath);
    if (!check) return undefined;
    const failure = await check.run();
    return failure === undefined ? { status: 200, body: 'ok' } : { status: 500, body: `internal server error: ${failure}\n` };
  }
  const results = await Promise.all(checks.map(async (c) => ({ name: c.name, failure: await c.run() })));
  const lines = results.map((r) => (r.failure === undefined ? `[+]${r.name} ok\n` : `[-]${r.name} failed: reason withheld\n`)).join('');
  if (results.some((r) => r.failure !== undefined)) return { status: 500, body: `${lines}${root} check failed\n` };
  return { status: 200, body: verbose ? `${lines}${root} check passed\n` : 'ok' };
}

/** A check from a condition: `failure` says what is wrong while `ok()` is false. */
export function conditionCheck(name: string, ok: () => boolean, failure: string): HealthCheck {
  return { name, run: async () => (ok() ? undefined : failure) };
}
