/**
 * Plain HTTP and TLS on one port, as openshift-router serves its metrics
 * port (cmux): health probes keep plain HTTP while Prometheus scrapes over
 * TLS. A TCP front reads each connection's first bytes (a TLS handshake
 * starts with 0x16) and pipes the connection to one of two Bun servers on
 * unix sockets in the working dir's run/. The certificate is read again
 * every 30 s, as upstream does; a new one gets a new TLS server, and the
 * previous one finishes its connections.
 */
import { readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:crypto';
import { join } from 'node:path';
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { StatsOptions } from '../options.ts';

export type Handler = (req: Request) => Response | Promise<Response>;

export interface ServerOptions {
  host: string;
  port: number;
  fetch: Handler;
  logger: Logger;
  /** How often the certificate files are read again; upstream's 30 s unless a test says otherwise. */
  reloadEveryMs?: number;
}

export interface ListeningServer {
  stop(): Promise<void>;
}

const RELOAD_EVERY_MS = 30_000;
/** Bun.serve's own idle timeout: the front must not hold silent connections longer than the servers behind it would. */
const IDLE_MS = 10_000;
const TLS_HANDSHAKE = 0x16;

type Tls = NonNullable<StatsOptions['tls']>;

async function readPair(tls: Tls): Promise<{ cert: string; key: string }> {
  const read = (path: string, setting: string) =>
    readFile(path, 'utf8').catch((err: unknown) => {
      throw new Error(`${setting}: cannot read ${path}: ${errorMessage(err)}`, { cause: err });
    });
  return { cert: await read(tls.certFile, 'ROUTER_METRICS_TLS_CERT_FILE'), key: await read(tls.keyFile, 'ROUTER_METRICS_TLS_KEY_FILE') };
}

/**
 * What a request whose handler threw gets: a 500, and one line in the router's log at debug level; Bun's own answer
 * prints a stack trace to stderr, past the logger, as often as a client makes the handler throw.
 */
export function serverError(log: Logger): (err: Error) => Response {
  return (err) => {
    log.debug(`the health and metrics server failed a request: ${errorMessage(err)}`);
    return new Response('500 internal server error\n', { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };
}

/** Also SSL_OP_NO_TLSv1_2 for a TLS 1.3 minimum; Bun's own floor is TLS 1.2. */
function secureOptions(tls: Tls): number {
  return constants.SSL_OP_NO_TLSv1 | constants.SSL_OP_NO_TLSv1_1 | (tls.minVersion === 'TLSv1.3' ? constants.SSL_OP_NO_TLSv1_2 : 0);
}

export async function listenPlainAndTls(opts: ServerOptions, tls: Tls, socketDir: string): Promise<ListeningServer> {
  const socketPath = (name: string) => join(socketDir, `stats-${name}.sock`);
  const startOn = async (name: string, withTls?: { cert: string; key: string }) => {
    await rm(socketPath(name), { force: true });
    return Bun.serve({ unix: socketPath(name), fetch: opts.fetch, error: serverError(opts.logger), ...(withTls ? { tls: { ...withTls, secureOptions: secureOptions(tls) } } : {}) });
  };
  let pair = await readPair(tls);
  const plain = await startOn('http');
  let generation = 0;
  let secure = await startOn(`tls-${generation}`, pair);
  // One read at a time: a read that outlasts the interval (a loaded host) must not start a second server on the
  // socket the first one is starting on, nor flip the generation twice.
  let reading = false;
  const reload = setInterval(() => {
    if (reading) return;
    reading = true;
    void (async () => {
      const next = await readPair(tls);
      if (next.cert === pair.cert && next.key === pair.key) return;
      const started = await startOn(`tls-${(generation + 1) % 2}`, next);
      generation = (generation + 1) % 2;
      const previous = secure;
      [secure, pair] = [started, next];
      opts.logger.info(`reloaded the metrics certificate (${tls.certFile})`);
      // Not awaited: the previous server finishes its connections on its own, and a scraper's kept-alive one must
      // not hold up the next read.
      void previous.stop(false);
    })()
      .catch((err: unknown) => opts.logger.error(`cannot reload the metrics certificate, keeping the previous one: ${errorMessage(err)}`))
      .finally(() => {
        reading = false;
      });
  }, opts.reloadEveryMs ?? RELOAD_EVERY_MS);
  reload.unref();

  const open = new Set<Socket>();
  const front: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.setTimeout(IDLE_MS, () => client.destroy());
    client.once('data', (first: Buffer) => {
      const upstream = connect({ path: socketPath(first[0] === TLS_HANDSHAKE ? `tls-${generation}` : 'http') });
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      upstream.write(first);
      client.pipe(upstream).pipe(client);
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(opts.port, opts.host || '0.0.0.0', () => resolve());
  });
  return {
    async stop() {
      clearInterval(reload);
      front.close();
      for (const socket of open) socket.destroy();
      await Promise.all([plain.stop(true), secure.stop(true)]);
    },
  };
}
