import { expect, test } from 'bun:test';
import type { CoreV1Event } from '@kubernetes/client-node';
import { ingressRouteName } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';
import type { Rejection } from '../admission/rejection.ts';
import { createLogger } from '../log.ts';
import { IngressEventWriter, MAX_EVENT_MESSAGE } from './ingress-events.ts';

function writer() {
  const written: CoreV1Event[] = [];
  const w = new IngressEventWriter({
    api: { createNamespacedEvent: async ({ body }: { body: CoreV1Event }) => (written.push(body), body) } as never,
    records: {
      ingressRecord: (key) => (key === 'shop/web' ? { raw: { metadata: { name: 'web', namespace: 'shop', uid: 'u1' } } } : undefined),
      ingressOfUid: (uid) => (uid === 'u1' ? 'shop/web' : undefined),
    },
    logger: createLogger({ format: 'json', level: 'silent' }),
  });
  return { w, written, said: () => written.map((e) => `${e.type} ${e.reason}: ${e.message}`) };
}

const route = (path: string): Route =>
  ({ namespace: 'shop', name: ingressRouteName('web', `a.example.com\n${path}`), uid: 'u1', host: 'a.example.com', path }) as Route;

test('conversion problems: one event per new wording, the Ingress prefix left out; all served again, then the same words, tell again', async () => {
  const { w, said } = writer();
  w.conversion('shop/web', ['Ingress shop/web: host a path "/x" is not served: Service shop/x not found']);
  w.conversion('shop/web', ['Ingress shop/web: host a path "/x" is not served: Service shop/x not found']);
  await w.idle();
  w.conversion('shop/web', []);
  w.conversion('shop/web', ['Ingress shop/web: host a path "/x" is not served: Service shop/x not found', 'Ingress shop/web: rules[1] names no host']);
  await w.idle();
  expect(said()).toEqual([
    'Normal IncompleteIngressToRouteRules: Incomplete ingress to route rules detected: host a path "/x" is not served: Service shop/x not found',
    'Normal IncompleteIngressToRouteRules: Incomplete ingress to route rules detected: host a path "/x" is not served: Service shop/x not found; rules[1] names no host',
  ]);
});

test('a rejection is told once while it lasts; a full outcome forgets those it no longer has; Routes of no Ingress are not told', async () => {
  const { w, said } = writer();
  const api = route('/api');
  const plain = { namespace: 'shop', name: 'plain', uid: 'u1', host: 'b.example.com', path: '' } as Route;
  const claimed: Rejection = { reason: 'HostAlreadyClaimed', message: `a route in another namespace holds a.example.com and is older than ${api.name}` };
  const routes = new Map([[`shop/${api.name}`, api], ['shop/plain', plain]]);
  const rejected = new Map([[`shop/${api.name}`, claimed], ['shop/plain', claimed]]);
  w.update({ routes, rejections: rejected, changed: undefined });
  await w.idle();
  w.update({ routes, rejections: rejected, changed: new Set([`shop/${api.name}`]) });
  w.update({ routes, rejections: new Map(), changed: undefined });
  w.update({ routes, rejections: rejected, changed: undefined });
  await w.idle();
  const told = 'Warning HostAlreadyClaimed: host a.example.com path /api is not served: a route in another namespace holds a.example.com and is older than Ingress web';
  expect(said()).toEqual([told, told]);
});

test('a message is cut to the API server\'s bound on a character', async () => {
  const { w, written } = writer();
  w.conversion('shop/web', [`Ingress shop/web: ${'é'.repeat(2000)}`]);
  await w.idle();
  const message = written[0]?.message ?? '';
  expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_EVENT_MESSAGE);
  expect(message).toEndWith('é...');
});
