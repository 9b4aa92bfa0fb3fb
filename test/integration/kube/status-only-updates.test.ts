import { afterEach, expect, setDefaultTimeout, test } from 'bun:test';
import type { ResourceEvent } from '../../../src/domain/events.ts';
import { connectKube } from '../../../src/sources/kube/connect.ts';
import { Channel, recordingLogger } from '../../support/kube-client.ts';
import { KubeTestbed, modify, routeObject, type KubeApi } from '../../support/kube-harness.ts';
import { recordingSink } from '../../support/recording-sink.ts';
import { KUBE_SOURCE } from '../../support/router-options.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** The API source alone on `api`, with every route change it sees (after its sync) and every batch it delivers in channels. */
async function startSource(api: KubeApi) {
  const changed = new Channel<string>();
  const batches = new Channel<ResourceEvent[]>();
  const { source } = connectKube(
    { ...KUBE_SOURCE, connection: { ...KUBE_SOURCE.connection, server: api.server.url, token: api.token, certificateAuthority: api.caFile } },
    {},
    recordingLogger().logger,
    (key) => changed.push(key),
  );
  await source.start(recordingSink((events) => batches.push(events)));
  /** The route the source holds for `key`, as converted from the object it last saw. */
  const routeOf = (key: string) => (source.routeRecord(key) as { route?: { host: string } } | undefined)?.route;
  return { source, changed, batches, routeOf };
}

test('a route whose status alone changed keeps the route converted before, and the sink hears nothing; a spec change converts anew', async () => {
  const api = await bed.startApi();
  api.server.create(routeObject({ name: 'a', host: 'a.example.com' }));
  const s = await startSource(api);
  try {
    const before = s.routeOf('default/a');
    expect(before?.host).toBe('a.example.com');
    const delivered = s.batches.all.length;

    // What every router's status write does: a new resourceVersion, the same route.
    modify(api.server, 'Route', 'default', 'a', (o) => {
      o.status = { ingress: [{ host: 'a.example.com', routerName: 'other', conditions: [{ type: 'Admitted', status: 'True' }] }] };
    });
    await s.changed.until((key) => key === 'default/a');
    expect(s.source.routeRecord('default/a')?.ingress).toHaveLength(1);
    expect(s.routeOf('default/a')).toBe(before);
    expect(s.batches.all).toHaveLength(delivered);

    modify(api.server, 'Route', 'default', 'a', (o) => {
      (o.spec as { host: string }).host = 'b.example.com';
    });
    await s.batches.until((events) => events.some((e) => e.kind === 'Route' && e.type === 'upsert' && e.object.host === 'b.example.com'));
    expect(s.routeOf('default/a')).not.toBe(before);
    expect(s.routeOf('default/a')?.host).toBe('b.example.com');
  } finally {
    await s.source.stop();
  }
});
