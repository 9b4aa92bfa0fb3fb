import { expect, test } from 'bun:test';
import type { CoreV1Event } from '@kubernetes/client-node';
import { ingressRouteName } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';
import type { Rejection } from '../admission/rejection.ts';
import { createLogger } from '../log.ts';
import { IngressEventWriter, MAX_EVENT_MESSAGE } from './ingress-events.ts';

function writer(intervalMs = 0) {
  const written: CoreV1Event[] = [];
  let onWrite = () => {};
  const w = new IngressEventWriter({
    api: {
      createNamespacedEvent: async ({ body }: { body: CoreV1Event }) => {
        written.push(body);
        onWrite();
        return body;
      },
    } as never,
    intervalMs,
    records: {
      ingressRecord: (key) => (key === 'shop/web' ? { raw: { metadata: { name: 'web', namespace: 'shop', uid: 'u1' } } } : undefined),
      ingressOfUid: (uid) => (uid === 'u1' ? 'shop/web' : undefined),
    },
    logger: createLogger({ format: 'json', level: 'silent' }),
  });
  const nextWrite = () => new Promise<void>((resolve) => (onWrite = resolve));
  return { w, written, nextWrite, said: () => written.map((e) => `${e.type} ${e.reason}: ${e.message}`) };
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

test('a subject whose words flip is told at most once an interval: the latest words, once it is over', async () => {
  const { w, said, nextWrite } = writer(20);
  const problem = (n: number) => [`Ingress shop/web: host a path "/x" is not served: Service shop/x${n} not found`];
  w.conversion('shop/web', problem(1));
  await w.idle();
  w.conversion('shop/web', problem(2));
  w.conversion('shop/web', problem(3));
  expect(said()).toHaveLength(1);
  await nextWrite();
  await w.idle();
  const told = (n: number) => `Normal IncompleteIngressToRouteRules: Incomplete ingress to route rules detected: host a path "/x" is not served: Service shop/x${n} not found`;
  expect(said()).toEqual([told(1), told(3)]);
  w.stop();
});

test('a namespace being deleted refuses its event alone; a router forbidden events stops writing them', async () => {
  const written: string[] = [];
  const capture = { warned: [] as string[] };
  const terminating = Object.assign(new Error('events "web.1" is forbidden: unable to create new content in namespace dying because it is being terminated'), { code: 403 });
  const forbidden = Object.assign(new Error('events is forbidden: User "system:serviceaccount:x:router" cannot create resource "events"'), { code: 403 });
  let refuse: Error | undefined = terminating;
  const w = new IngressEventWriter({
    api: {
      createNamespacedEvent: async ({ namespace }: { namespace: string }) => {
        if (refuse && (refuse === forbidden || namespace === 'dying')) throw refuse;
        written.push(namespace);
        return {};
      },
    } as never,
    records: {
      ingressRecord: (key) => ({ raw: { metadata: { name: key.split('/')[1], namespace: key.split('/')[0], uid: key } } }),
      ingressOfUid: () => undefined,
    },
    logger: { withTag: () => ({ warn: (m: string) => capture.warned.push(m), debug() {}, info() {}, error() {} }) } as never,
    intervalMs: 0,
  });
  w.conversion('dying/web', ['Ingress dying/web: Service dying/x not found']);
  w.conversion('shop/web', ['Ingress shop/web: Service shop/x not found']);
  await w.idle();
  refuse = forbidden;
  w.conversion('shop/api', ['Ingress shop/api: Service shop/y not found']);
  await w.idle();
  w.conversion('shop/other', ['Ingress shop/other: Service shop/z not found']);
  await w.idle();
  expect(written).toEqual(['shop']);
  expect(capture.warned.filter((m) => m.startsWith('cannot create Events (forbidden)'))).toHaveLength(1);
});
