import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { RouteIngress } from '../../../src/status/ingress-status.ts';
import { WRITE_CONCURRENCY } from '../../../src/status/write-queue.ts';
import type { RecordedRequest } from '../../support/fake-api/request-log.ts';
import { KubeTestbed, createApp, modify, statusWrites, storedIngress } from '../../support/kube-harness.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const ROUTES = 12;
const isStatusWrite = (r: RecordedRequest) => r.method === 'PATCH' && r.path.endsWith('/status');
const admittedByPublic = (ingress: RouteIngress[]) => ingress.find((e) => e.routerName === 'public')?.conditions.some((c) => c.type === 'Admitted' && c.status === 'True') === true;

describe('route status backlog of a first start', () => {
  test('every route without this router\'s status is written after the start, a few writes at a time', async () => {
    const api = await bed.startApi();
    const backend = bed.startBackend('web');
    for (let i = 0; i < ROUTES; i++) createApp(api.server, { name: `web${i}`, host: `web${i}.example.com`, port: backend.port });
    // The API server stops answering once the first write arrives: each write in flight then waits for its answer.
    const firstWrite = api.server.waitForRequest(isStatusWrite).then(() => api.server.stall(true));
    const t = await bed.startRouter(api);
    await firstWrite;
    expect((await t.get('web0.example.com')).status).toBe(200);

    // The first write was answered before the stall took hold; the bound's worth of writes then wait together.
    expect(WRITE_CONCURRENCY).toBeGreaterThan(1);
    let seen = 0;
    await api.server.waitForRequest((r) => isStatusWrite(r) && ++seen === 1 + WRITE_CONCURRENCY);
    await Bun.sleep(200);
    const waiting = api.server.requests.filter(isStatusWrite);
    expect(waiting.length).toBeLessThanOrEqual(1 + WRITE_CONCURRENCY);
    expect(new Set(waiting.map((r) => r.path)).size).toBe(waiting.length);

    api.server.stall(false);
    for (let i = 0; i < ROUTES; i++) await t.untilStatus('default', `web${i}`, 'admitted by public', admittedByPublic);
    await t.router.status?.idle();
    for (let i = 0; i < ROUTES; i++) expect(storedIngress(api.server, 'default', `web${i}`).filter((e) => e.routerName === 'public')).toHaveLength(1);
  });

  test('the watch echo of a status write of its own makes no second write; a change after it is committed and rechecked', async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await bed.startRouter(api);
    const status = t.router.status;
    if (!status) throw new Error('no status writer');
    const rechecked: string[] = [];
    const recheck = status.recheck.bind(status);
    status.recheck = (key) => {
      rechecked.push(key);
      recheck(key);
    };
    await t.untilStatus('default', 'web', 'admitted by public', admittedByPublic);
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(1);

    // Delivered after the write's echo on the same watch: once it is committed, the echo has been seen.
    modify(api.server, 'Route', 'default', 'web', (r) => {
      r.metadata.labels = { team: 'blue' };
    });
    await t.until('the label change is committed', () => [...(t.router.lastCommit()?.admitted.values() ?? [])].find((r) => r.name === 'web')?.labels.team === 'blue');
    await status.idle();
    // The echo itself is skipped when the write's answer comes before it through the watch (the usual order,
    // and what saves the conversions after a first start); the two travel on different connections, so when
    // the echo wins it is converted and rechecked once, harmlessly: the status it carries is the one written.
    expect(rechecked.at(-1)).toBe('default/web');
    expect(rechecked.length).toBeLessThanOrEqual(2);
    expect(statusWrites(api.server, 'default', 'web')).toHaveLength(1);
  });
});
