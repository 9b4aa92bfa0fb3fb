import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeTestbed, createApp } from '../../support/kube-harness.ts';
import { shortTempDir } from '../../support/workdir.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

function tempDir(): string {
  const dir = shortTempDir('tok');
  bed.onTeardown(() => dir.remove());
  return dir.path;
}

const onCommandLine = (msg: string) => msg.includes('on the command line');

describe('--token-file', () => {
  test('the token is read from the file (a trailing newline is no part of it) and the router serves; no warning', async () => {
    const api = await bed.startApi({ token: 'token-from-a-file' });
    const tokenFile = join(tempDir(), 'token');
    writeFileSync(tokenFile, 'token-from-a-file\n', { mode: 0o600 });
    const backend = bed.startBackend('web');
    createApp(api.server, { name: 'web', host: 'web.example.com', port: backend.port });
    const t = await bed.startRouter(api, { tokenFile });
    await t.untilServed('web.example.com', 'web');
    const authorizations = new Set(api.server.requests.map((r) => r.headers.authorization));
    expect([...authorizations]).toEqual(['Bearer token-from-a-file']);
    expect(t.logs.filter((r) => onCommandLine(r.msg))).toEqual([]);
  });

  test('a missing token file fails the start, naming it', async () => {
    const api = await bed.startApi();
    const tokenFile = join(tempDir(), 'absent');
    const launched = bed.launchRouter(api, { tokenFile });
    await expect(launched.ready).rejects.toThrow(`cannot read the token file ${tokenFile}`);
    expect(api.server.requests).toEqual([]);
  });

  test('--token on the command line works, with a warning that it is visible to every user', async () => {
    const api = await bed.startApi();
    const t = await bed.startRouter(api);
    const warning = await t.waitForLog((r) => onCommandLine(r.msg));
    expect(warning).toMatchObject({ level: 'warn', msg: '--token is on the command line, where every user of this host can read it (ps): use --token-file (ROUTER_TOKEN_FILE) or a kubeconfig' });
  });
});
