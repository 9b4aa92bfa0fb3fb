/**
 * Two tiny HTTP backends on loopback for the quick start: the EndpointSlices
 * in examples/manifests point at them.
 */
const backends = [
  { name: 'hello', port: 9001 },
  { name: 'api', port: 9002 },
];
for (const b of backends) {
  Bun.serve({
    hostname: '127.0.0.1',
    port: b.port,
    fetch(req) {
      const url = new URL(req.url);
      return new Response(`Hello from ${b.name} (127.0.0.1:${b.port}), you asked for ${url.pathname}\n`);
    },
  });
  console.log(`example backend ${b.name} listening on 127.0.0.1:${b.port}`);
}
