import { describe, expect, test } from 'bun:test';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { route } from '../../test/support/fixtures.ts';
import { ingressRouteName } from '../domain/names.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { createLogger } from '../log.ts';
import { IngressStatusWriter, type IngressRecords } from './ingress-status-writer.ts';
import type { LoadBalancerIngress } from './load-balancer-status.ts';

type Ingress = { metadata: { namespace: string; name: string; uid: string }; status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } } };

const ME = { hostname: 'router.example.com' };

/** The source's Ingresses and an API server keeping their status; counts what the writer reads of the source. */
function world(names: string[]) {
  const ingresses = new Map<string, Ingress>(names.map((n) => [`default/${n}`, { metadata: { namespace: 'default', name: n, uid: `uid-${n}` } }]));
  const writes: string[] = [];
  const reads = { ingressKeys: 0, ingressOfUid: 0 };
  const records: IngressRecords = {
    ingressRecord: (key) => {
      const raw = ingresses.get(key);
      return raw && { raw };
    },
    rememberIngress: (raw) => void ingresses.set(`${raw.metadata?.namespace}/${raw.metadata?.name}`, raw as Ingress),
    ingressKeys: () => {
      reads.ingressKeys++;
      return ingresses.keys();
    },
    ingressOfUid: (uid) => {
      reads.ingressOfUid++;
      return [...ingresses.entries()].find(([, i]) => i.metadata.uid === uid)?.[0];
    },
  };
  const api = {
    async replaceNamespacedCustomObjectStatus({ namespace, name, body }: { namespace: string; name: string; body: Ingress }) {
      writes.push(`${namespace}/${name} ${JSON.stringify(body.status?.loadBalancer?.ingress ?? [])}`);
      ingresses.set(`${namespace}/${name}`, body);
      return body;
    },
  } as unknown as CustomObjectsApi;
  const writer = new IngressStatusWriter({ api, records, identity: ME, contentionWindowMs: 60_000, logger: createLogger({ format: 'json', level: 'silent' }) });
  return { ingresses, writes, reads, writer };
}

/** An admitted route generated from Ingress `ingress`, and ordinary Routes. */
const generated = (ingress: string, rule = 'r0'): AdmittedRoute => ({ ...route({ name: ingressRouteName(ingress, rule) }), uid: `uid-${ingress}` });
const plain = (n: number): AdmittedRoute[] => Array.from({ length: n }, (_, i) => route({ name: `plain-${i}` }));
const byKey = (routes: AdmittedRoute[]) => new Map(routes.map((r) => [`${r.namespace}/${r.name}`, r]));
const keyOf = (r: AdmittedRoute) => `${r.namespace}/${r.name}`;

describe('IngressStatusWriter', () => {
  test('a full commit writes the entry of each Ingress with an admitted route, and takes ours off the others', async () => {
    const w = world(['web', 'old']);
    const old = w.ingresses.get('default/old');
    if (old) old.status = { loadBalancer: { ingress: [{ hostname: 'other.example.com' }, ME] } };
    w.writer.update({ admitted: byKey([generated('web'), ...plain(3)]) });
    await w.writer.idle();
    expect(w.writes.sort()).toEqual(['default/old [{"hostname":"other.example.com"}]', 'default/web [{"hostname":"router.example.com"}]']);
  });

  test('an incremental commit looks only at the Ingresses of the routes it changed, and writes the same', async () => {
    const w = world(['web', 'api']);
    const web = generated('web');
    const api = generated('api');
    const all = [web, api, ...plain(1000)];
    w.writer.update({ admitted: byKey(all) });
    await w.writer.idle();
    w.writes.length = 0;
    const reads = { ...w.reads };

    // web's only route is rejected: its entry goes; api is not looked at.
    w.writer.update({ admitted: byKey(all.filter((r) => r !== web)), changed: new Set([keyOf(web), keyOf(plain(1)[0] as AdmittedRoute)]) });
    await w.writer.idle();
    expect(w.writes).toEqual(['default/web []']);
    expect({ ingressKeys: w.reads.ingressKeys - reads.ingressKeys, ingressOfUid: w.reads.ingressOfUid - reads.ingressOfUid }).toEqual({ ingressKeys: 0, ingressOfUid: 0 });

    // A second route of api comes and goes: api keeps its entry throughout, nothing is written.
    const api2 = generated('api', 'r1');
    w.writer.update({ admitted: byKey([api, api2]), changed: new Set([keyOf(api2)]) });
    w.writer.update({ admitted: byKey([api2]), changed: new Set([keyOf(api)]) });
    await w.writer.idle();
    expect(w.writes).toEqual(['default/web []']);
    w.writer.update({ admitted: byKey([]), changed: new Set([keyOf(api2)]) });
    await w.writer.idle();
    expect(w.writes).toEqual(['default/web []', 'default/api []']);

    // web is admitted again.
    w.writer.update({ admitted: byKey([web]), changed: new Set([keyOf(web)]) });
    await w.writer.idle();
    expect(w.writes.at(-1)).toBe('default/web [{"hostname":"router.example.com"}]');
  });

  test('an Ingress that appears with our entry and no route of ours loses the entry; one that goes is forgotten', async () => {
    const w = world(['web']);
    w.writer.recheck('default/stale');
    w.writer.update({ admitted: byKey([generated('web')]) });
    await w.writer.idle();
    w.writes.length = 0;
    w.ingresses.set('default/stale', { metadata: { namespace: 'default', name: 'stale', uid: 'uid-stale' }, status: { loadBalancer: { ingress: [ME] } } });
    w.writer.recheck('default/stale');
    await w.writer.idle();
    expect(w.writes).toEqual(['default/stale []']);
    w.ingresses.delete('default/stale');
    w.writer.recheck('default/stale');
    await w.writer.idle();
    expect(w.writes).toEqual(['default/stale []']);
  });
});
