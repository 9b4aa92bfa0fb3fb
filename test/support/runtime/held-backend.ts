/**
 * A loopback HTTP backend that names itself in `x-backend` and can keep a
 * request in flight on demand: a request for `/hold` waits until the test
 * releases it, so the test can act while haproxy has a request open on the
 * server.
 */
export interface HeldBackend {
  name: string;
  port: number;
  /** Resolves once a `/hold` request has arrived; call the result to let it answer. */
  nextHold(): Promise<() => void>;
  stop(): Promise<void>;
}

/** `tls`: serve HTTPS with this certificate and key (a reencrypt route's pod). */
export function startHeldBackend(name: string, tls?: { cert: string; key: string }): HeldBackend {
  const arrivals: ((release: () => void) => void)[] = [];
  const early: (() => void)[] = [];
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    // Longer than any test holds a request (bun's default, 10 s, would end it for the test).
    idleTimeout: 120,
    ...(tls ? { tls } : {}),
    async fetch(req) {
      if (new URL(req.url).pathname === '/hold') {
        const { promise, resolve } = Promise.withResolvers<void>();
        const waiter = arrivals.shift();
        if (waiter) waiter(resolve);
        else early.push(resolve);
        await promise;
      }
      return new Response(`${name}\n`, { headers: { 'x-backend': name } });
    },
  });
  return {
    name,
    port: server.port as number,
    nextHold: () => {
      const arrived = early.shift();
      if (arrived) return Promise.resolve(arrived);
      return new Promise((resolve) => arrivals.push(resolve));
    },
    stop: () => server.stop(true),
  };
}
