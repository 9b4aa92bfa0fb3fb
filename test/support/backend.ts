/** A real HTTP backend on loopback that says who it is, so tests can see where haproxy sent a request. */
export interface TestBackend {
  name: string;
  port: number;
  stop(): Promise<void>;
}

export function startBackend(name: string): TestBackend {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      return new Response(`${name} ${url.pathname}\n`, { headers: { 'x-backend': name } });
    },
  });
  return { name, port: server.port as number, stop: () => server.stop(true) };
}

/** A real HTTPS backend on loopback (for passthrough and reencrypt routes). */
export function startTlsBackend(name: string, tls: { cert: string; key: string }): TestBackend {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls,
    fetch(req) {
      const url = new URL(req.url);
      return new Response(`${name} ${url.pathname}\n`, { headers: { 'x-backend': name } });
    },
  });
  return { name, port: server.port as number, stop: () => server.stop(true) };
}

/** The headers an echo backend received, as it reports them in its body. */
export interface EchoedRequest {
  backend: string;
  headers: Record<string, string>;
}

/** A real HTTP backend on loopback that answers with the request headers it received (an EchoedRequest as JSON). */
export function startEchoBackend(name: string): TestBackend {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const echoed: EchoedRequest = { backend: name, headers: Object.fromEntries(req.headers) };
      return Response.json(echoed, { headers: { 'x-backend': name } });
    },
  });
  return { name, port: server.port as number, stop: () => server.stop(true) };
}
