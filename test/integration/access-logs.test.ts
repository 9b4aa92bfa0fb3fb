import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { killBinaryRouter, logSays, spawnBinaryRouter, type BinaryRouter } from '../support/binary-router.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, get, rawGet } from '../support/net.ts';
import { shortTempDir } from '../support/workdir.ts';

interface Record {
  ts: string;
  level: string;
  tag?: string;
  msg: string;
  namespace?: string;
  route?: string;
}

const dir = shortTempDir();
let backend: TestBackend;
let router: BinaryRouter;
let httpPort = 0;
const manifests = join(dir.path, 'm');

beforeAll(async () => {
  backend = startBackend('web');
  mkdirSync(manifests);
  writeFileSync(join(manifests, 'web.yaml'), `${routeYaml({ name: 'web', host: 'web.example.com', namespace: 'shop' })}---\n${sliceYaml({ service: 'web', namespace: 'shop', ports: [backend.port] })}`);
  const ports = await freePortPair();
  httpPort = ports[0];
  router = spawnBinaryRouter({ manifestsDir: manifests, workingDir: join(dir.path, 'w'), httpPort, httpsPort: ports[1], env: { ROUTER_LOG_LEVEL: 'info' } });
  await router.ready();
});

afterAll(async () => {
  killBinaryRouter(router);
  await backend.stop();
  dir.remove();
});

/** The access record of the one request whose path was `path`. */
function accessRecords(path: string): Record[] {
  return router.lines.map((l) => JSON.parse(l) as Record).filter((r) => r.tag === 'access' && r.msg.includes(`"GET ${path} HTTP/1.1"`));
}

describe('access logs in the router output (dist/router, --log-format=json, ROUTER_LOG_LEVEL=info)', () => {
  test("a client's request line cannot break a record or forge its fields: backslashes, JSON escapes and quotes come out as sent", async () => {
    const suffix = crypto.randomUUID();
    // As the client sends them, byte for byte; haproxy writes a quote in a request line as #22.
    const escapes = `/h-${suffix}/a\\b\\u0041\\n\\`;
    const forged = `/h-${suffix}/q","namespace":"evil","route":"x\\","tag":"router`;
    expect((await rawGet(httpPort, 'web.example.com', escapes)).status).toBe(200);
    expect((await rawGet(httpPort, 'web.example.com', forged)).status).toBe(200);
    for (const start of [`h-${suffix}/a`, `h-${suffix}/q`]) await router.waitForLine((l) => l.includes(start));
    const records = router.lines.filter((l) => l.includes(`h-${suffix}`)).map((l) => JSON.parse(l) as Record);
    expect(records).toEqual([
      expect.objectContaining({ tag: 'access', namespace: 'shop', route: 'web', msg: expect.stringContaining(`"GET ${escapes} HTTP/1.1"`) }),
      expect.objectContaining({ tag: 'access', namespace: 'shop', route: 'web', msg: expect.stringContaining(`"GET ${forged.replaceAll('"', '#22')} HTTP/1.1"`) }),
    ]);
  });

  test('each request is one JSON record naming its route, whether it has its own backend or a spare; a stop is a few lines, none a warning', async () => {
    const suffix = crypto.randomUUID();
    expect((await get(httpPort, 'web.example.com', `/own-${suffix}`)).status).toBe(200);

    // A route added while running takes a spare backend over through the runtime API.
    writeFileSync(join(manifests, 'late.yaml'), `${routeYaml({ name: 'late', host: 'late.example.com', namespace: 'blog', service: 'web' })}---\n${sliceYaml({ service: 'web', namespace: 'blog', ports: [backend.port] })}`);
    await router.waitForLine(logSays('route blog/late admitted: late.example.com/'));
    expect((await get(httpPort, 'late.example.com', `/spare-${suffix}`)).status).toBe(200);
    expect((await get(httpPort, 'nobody.example.com', `/none-${suffix}`)).status).toBe(503);

    for (const path of [`/own-${suffix}`, `/spare-${suffix}`, `/none-${suffix}`]) await router.waitForLine((l) => l.includes(`GET ${path} HTTP/1.1`));
    expect(accessRecords(`/own-${suffix}`)).toEqual([expect.objectContaining({ level: 'info', namespace: 'shop', route: 'web', msg: expect.stringContaining(' public be_http:shop:web/') })]);
    expect(accessRecords(`/spare-${suffix}`)).toEqual([expect.objectContaining({ level: 'info', namespace: 'blog', route: 'late', msg: expect.stringMatching(/ public be_http:_spare\S*:\d+\//) })]);
    const [unknown] = accessRecords(`/none-${suffix}`);
    expect(unknown?.msg).toContain(' 503 ');
    expect(unknown?.namespace).toBeUndefined();

    const stopAt = router.lines.length;
    router.proc.kill('SIGTERM');
    expect(await router.exited).toBe(0);
    // Every line of the run, the stop's included, is one JSON record.
    const records = router.lines.map((l) => JSON.parse(l) as Record);
    const stop = records.slice(stopAt);
    expect(stop.filter((r) => r.level === 'warn' || r.level === 'error')).toEqual([]);
    expect(stop.length).toBeLessThan(8);
    expect(stop.filter((r) => r.msg.startsWith('haproxy stopped'))).toHaveLength(1);
    expect(records.filter((r) => r.tag === 'haproxy' && r.level !== 'debug')).toEqual([]);
  });
});
