/**
 * The scale benches' fake API server, in a process of its own: its heap
 * (every object of the mix, the watch history, the request log) and its
 * event loop are not the bench's, so neither its collector nor its work
 * delays the probes that time the router. Started and driven through IPC by
 * bench/scale/api-client.ts; each write answers with the time its watch
 * events were written (bench/scale/api-protocol.ts).
 */
import { startFakeApiServer, type FakeApiServer } from '../../test/support/fake-api/fake-api-server.ts';
import { errorMessage } from '../../src/errors.ts';
import type { ChildMessage, Request, StartMessage, Written } from './api-protocol.ts';
import { routeObject, sliceObjects } from './objects.ts';

const epochNow = () => performance.timeOrigin + performance.now();
const send = (message: ChildMessage) => process.send?.(message);

/** Runs one store change and stamps it: the store writes the watch events of a change before it returns. */
function written(change: () => unknown): Written {
  const receivedAt = epochNow();
  change();
  return { receivedAt, writtenAt: epochNow() };
}

/**
 * Every slice, then every route, as a cluster would hold them before the
 * router starts. Built here from the mix rather than sent as objects: one
 * message, and each certificate stays one string that every route shares.
 */
function loadMix(api: FakeApiServer, { mix, certs, ownCerts }: Extract<Request, { type: 'loadMix' }>): number {
  let count = 0;
  for (const service of mix.services) {
    for (const slice of sliceObjects(service)) {
      api.create(slice);
      count++;
    }
  }
  for (const route of mix.routes) {
    api.create(routeObject(route, certs, ownCerts?.get(route.name)));
    count++;
  }
  return count;
}

const isStatusWrite = (r: { method: string; path: string }) => r.method === 'PATCH' && r.path.endsWith('/status');

function handle(api: FakeApiServer, request: Request): void {
  try {
    switch (request.type) {
      case 'create':
        send({ id: request.id, written: written(() => api.create(request.object)) });
        return;
      case 'update':
        send({ id: request.id, written: written(() => api.update(request.object)) });
        return;
      case 'remove':
        send({ id: request.id, written: written(() => api.remove(request.kind, request.namespace, request.name)) });
        return;
      case 'loadMix':
        send({ id: request.id, count: loadMix(api, request) });
        return;
      case 'statusWrites':
        send({ id: request.id, count: api.requests.filter(isStatusWrite).length });
        return;
    }
  } catch (err) {
    send({ id: request.id, error: errorMessage(err) });
  }
}

let api: FakeApiServer | undefined;
process.on('message', (message: StartMessage | Request) => {
  if (message.type !== 'start') {
    if (api) handle(api, message);
    else send({ id: message.id, error: 'the fake API server has not started' });
    return;
  }
  startFakeApiServer({ tls: message.tls, token: message.token }).then(
    (started) => {
      api = started;
      send({ type: 'ready', url: started.url });
    },
    (err: unknown) => send({ type: 'failed', error: errorMessage(err) }),
  );
});
// The bench went away (killed, crashed): nothing is left to serve.
process.on('disconnect', () => process.exit(0));
