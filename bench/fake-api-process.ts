/**
 * The fake API server of the API burst benchmark, in a process of its own so
 * that its memory is not counted as the router's. Serves ROUTES Routes, each
 * with one EndpointSlice; prints `{"url": ...}` once ready, then for each
 * stdin line `burst N` moves every slice to address 10.1.<N>.x in one batch
 * (`FakeApiServer.batch`) and prints `{"sent": N}`.
 */
import { startFakeApiServer, type KubeObject } from '../test/support/fake-api/fake-api-server.ts';

const ROUTES = Number(process.env.ROUTES ?? 10_000);

const ns = (i: number) => `ns-${Math.floor(i / 100)}`;
const slice = (i: number, round: number): KubeObject => ({
  kind: 'EndpointSlice',
  metadata: { name: `svc-${i}-abcde`, namespace: ns(i), labels: { 'kubernetes.io/service-name': `svc-${i}` } },
  addressType: 'IPv4',
  endpoints: [
    { addresses: [`10.${round % 256}.${(i >> 8) & 255}.${i & 255}`], conditions: { ready: true }, targetRef: { kind: 'Pod', name: `pod-${i}-${round}` } },
  ],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

const server = await startFakeApiServer();
for (let i = 0; i < ROUTES; i++) {
  server.create({
    kind: 'Route',
    metadata: { name: `route-${i}`, namespace: ns(i) },
    spec: { host: `route-${i}.apps.example.com`, to: { kind: 'Service', name: `svc-${i}`, weight: 100 }, port: { targetPort: 'http' } },
  });
  server.create(slice(i, 0));
}
// History would otherwise keep every version of every object for the whole run.
server.expire();
console.log(JSON.stringify({ url: server.url }));

let buffered = '';
for await (const chunk of Bun.stdin.stream()) {
  buffered += new TextDecoder().decode(chunk);
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    const [command, arg] = buffered.slice(0, nl).split(' ');
    buffered = buffered.slice(nl + 1);
    if (command !== 'burst') continue;
    const round = Number(arg);
    server.batch(() => {
      for (let i = 0; i < ROUTES; i++) server.update(slice(i, round));
    });
    server.expire();
    console.log(JSON.stringify({ sent: round }));
  }
}
await server.stop();
