/**
 * The pods of the scale benchmark, run as a child process so the benchmark's
 * own event loop (fake API server, probes) never slows them down:
 *   bun bench/scale/pods.ts <http ports> <tls ports> <cert file> <key file>
 * Each pod is a listener on 127.0.0.1 (a port the kernel picks) that answers
 * every request with 200 and `x-backend: p<port>`, so a probe sees which pod
 * haproxy chose. TLS pods (for reencrypt and passthrough routes) present the
 * given certificate. Prints one JSON line `{"http":[ports],"tls":[ports]}`
 * once every listener is up, then serves until killed.
 */
import { readFileSync } from 'node:fs';

const [httpCount, tlsCount, certFile, keyFile] = process.argv.slice(2);
const tls = certFile && keyFile ? { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') } : undefined;

function listen(withTls: boolean): number {
  let name = '';
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    ...(withTls ? { tls } : {}),
    fetch: () => new Response('ok\n', { headers: { 'x-backend': name } }),
  });
  name = `p${server.port}`;
  return server.port as number;
}

const http = Array.from({ length: Number(httpCount) }, () => listen(false));
const secure = Array.from({ length: tls ? Number(tlsCount) : 0 }, () => listen(true));
console.log(JSON.stringify({ http, tls: secure }));
