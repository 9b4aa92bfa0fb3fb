import { describe, expect, test } from 'bun:test';
import { route, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { Route } from '../domain/route.ts';
import { fitToRunning } from './fit-to-running.ts';
import { planUpdate } from './plan.ts';

const gateway = { hostScope: 'gateway.networking.k8s.io' };
const config = settings({ deepWildcards: true, sparesPerShape: 2 });
const model = (routes: Route[]) =>
  buildConfigModel({ routes, slices: routes.map((r) => slice(r.to.name, ['10.0.0.1'])), settings: config, allowAddress: () => true, defaultCertificate: '' });
/** The runtime commands on the host maps, when the change goes live; the plan's kind otherwise. */
const hostCommands = (before: Route[], after: Route[]) => {
  const running = model(before);
  const plan = planUpdate(running, fitToRunning(running, model(after)));
  if (plan.kind !== 'runtime') return plan.kind;
  return plan.commands.flatMap((c) => ('map' in c && c.map.endsWith('_hosts.map') ? [`${c.kind} ${c.map} ${c.key}${'value' in c ? ` ${c.value}` : ''}`] : []));
};

const old = route({ name: 'old', ...gateway });
const gw = route({ name: 'gw', path: '/a', ...gateway });
const sibling = route({ name: 'sib', host: 'gw.example.com', path: '/b', ...gateway });
const plain = route({ name: 'plain', host: 'gw.example.com', path: '/c' });

describe('host kind entries in the commit step: data, never a reload', () => {
  test.each([
    ['a Gateway API route on a new host adds its entry', [old], [old, gw], ['add-map os_http_be_hosts.map gw.example.com gateway_api']],
    ['its removal deletes it', [old, gw], [old], ['del-map os_http_be_hosts.map gw.example.com']],
    ['a second route on the host changes no entry', [old, gw], [old, gw, sibling], []],
    ['the host keeps its entry while one of its routes is left', [old, gw, sibling], [old, sibling], []],
    // On both sides: a Route holds its host against Gateway API wildcards on either, whatever it serves.
    ['a Route on the host makes it a Route host', [old, gw], [old, gw, plain], ['set-map os_http_be_hosts.map gw.example.com route', 'add-map os_edge_reencrypt_be_hosts.map gw.example.com route']],
    ['and its removal gives it back', [old, gw, plain], [old, gw], ['set-map os_http_be_hosts.map gw.example.com gateway_api', 'del-map os_edge_reencrypt_be_hosts.map gw.example.com']],
  ] as const)('%s', (_, before, after, want) => {
    expect(hostCommands([...before], [...after])).toEqual([...want]);
  });
});
