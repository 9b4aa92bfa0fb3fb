/**
 * A fake Kubernetes/OpenShift API server for tests. It speaks the real wire
 * protocol (discovery, lists, chunked NDJSON watches, Status errors, the
 * route status subresource) so the router's client-node based source talks
 * to it as to a cluster, while tests change objects and inject faults
 * through the methods below.
 */
import { freePort } from '../net.ts';
import { FailureBudget, StallGate } from './faults.ts';
import { createRequestHandler } from './http-handlers.ts';
import { RESOURCES } from './kinds.ts';
import { ListPager } from './list.ts';
import { Listener, type ServerTls } from './listener.ts';
import { RequestLog, type RecordedRequest } from './request-log.ts';
import { ObjectStore } from './store.ts';
import type { KubeObject, StoredKind } from './types.ts';
import { WatchHub } from './watch.ts';

export type { KubeObject, ObjectMeta, StoredKind } from './types.ts';
export type { RecordedRequest } from './request-log.ts';
export type { ServerTls } from './listener.ts';

/** How to start the fake. */
export interface FakeApiServerOptions {
  /** Serve HTTPS with this certificate; `clientCa` additionally requires and verifies client certificates. */
  tls?: ServerTls;
  /** Require `Authorization: Bearer <token>` on every request (401 otherwise). */
  token?: string;
  /** Listen on this port, e.g. one a stopped instance used; default: a free one below the ephemeral range. */
  port?: number;
  /** API groups to leave out entirely (discovery and paths 404), e.g. `['project.openshift.io']`. */
  disabledGroups?: string[];
  /** RBAC-style resource names (`routes`, `routes/status`) every request to which gets 403. */
  forbidden?: string[];
}

/** A running fake Kubernetes/OpenShift API server and the controls tests drive it with. */
export interface FakeApiServer {
  /** `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, oldest first; tests may truncate it. */
  readonly requests: RecordedRequest[];
  /** The latest resourceVersion, as the API writes it. */
  readonly resourceVersion: string;

  /** Adds an object (kind and metadata.name required, metadata.namespace for namespaced kinds); returns it as stored. */
  create(obj: KubeObject): KubeObject;
  /** Replaces an object whole and always commits a new resourceVersion (MODIFIED event); returns it as stored. */
  update(obj: KubeObject): KubeObject;
  /** Deletes an object (DELETED event); `namespace` is ignored for cluster-scoped kinds. */
  remove(kind: StoredKind, namespace: string | undefined, name: string): KubeObject;
  get(kind: StoredKind, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: StoredKind): KubeObject[];

  /** Runs `fn` (creates, updates, removes) and sends the events it causes to each open watch in one write: a burst. */
  batch<T>(fn: () => T): T;

  /** Resets every open watch connection without a clean end, as an API server restart does. */
  dropWatches(): void;
  /** Ends every open watch cleanly (terminating chunk). */
  closeWatches(): void;
  /** Compacts history: watches resuming from an older resourceVersion, and old continue tokens, get 410. */
  expire(): void;
  /** Sends a BOOKMARK at the current resourceVersion to every watch that allowed bookmarks. */
  sendBookmark(): void;
  /** Writes `line` (not JSON) into every open watch stream. */
  injectGarbage(line: string): void;
  /** While on, requests get no answer and watches send nothing; releasing delivers what was queued. */
  stall(on: boolean): void;
  /**
   * The next `n` requests (those whose path `only` accepts, when given) answer `status` with a Status body (and
   * `Retry-After`, with `retryAfterSeconds`, as API Priority and Fairness sends with 429).
   */
  failNext(n: number, status: number, retryAfterSeconds?: number, only?: (path: string) => boolean): void;
  /** Resolves once `n` watches (on exactly `resourcePath`, when given) are open. */
  waitForWatchers(n: number, resourcePath?: string): Promise<void>;
  /** The first request in `requests` that matches, or the next one to arrive (logged on receipt, even while stalled). */
  waitForRequest(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest>;

  /** Closes the listener and every connection; the store is kept. */
  stop(): Promise<void>;
  /** Listens again on the same port with the same store. */
  start(): Promise<void>;
}

class FakeApi implements FakeApiServer {
  readonly #log = new RequestLog();
  readonly #store = new ObjectStore();
  readonly #hub: WatchHub;
  readonly #gate: StallGate;
  readonly #failures = new FailureBudget();
  readonly #pager = new ListPager();
  readonly #listener: Listener;
  readonly #scheme: string;
  #port: number;

  constructor(opts: FakeApiServerOptions) {
    this.#gate = new StallGate(() => this.#hub.flushAll());
    this.#hub = new WatchHub(this.#store, this.#gate);
    this.#scheme = opts.tls ? 'https' : 'http';
    this.#port = opts.port ?? 0;
    const disabled = new Set(opts.disabledGroups ?? []);
    this.#listener = new Listener(opts.tls, createRequestHandler({
      store: this.#store,
      hub: this.#hub,
      gate: this.#gate,
      failures: this.#failures,
      pager: this.#pager,
      served: RESOURCES.filter((r) => !disabled.has(r.group)),
      token: opts.token,
      forbidden: new Set(opts.forbidden ?? []),
      requests: this.#log,
      address: () => `127.0.0.1:${this.#port}`,
    }));
  }

  get url(): string {
    return `${this.#scheme}://127.0.0.1:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  get requests(): RecordedRequest[] {
    return this.#log.entries;
  }

  get resourceVersion(): string {
    return String(this.#store.resourceVersion);
  }

  // Stored objects are frozen and shared with watch history; callers get copies they may edit and pass back.
  create(obj: KubeObject): KubeObject {
    return structuredClone(this.#store.create(obj));
  }

  update(obj: KubeObject): KubeObject {
    return structuredClone(this.#store.update(obj));
  }

  remove(kind: StoredKind, namespace: string | undefined, name: string): KubeObject {
    return structuredClone(this.#store.remove(kind, namespace, name));
  }

  get(kind: StoredKind, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.#store.get(kind, namespace, name);
    return obj && structuredClone(obj);
  }

  list(kind: StoredKind): KubeObject[] {
    return structuredClone(this.#store.list(kind));
  }

  batch<T>(fn: () => T): T {
    return this.#hub.batch(fn);
  }

  dropWatches(): void {
    this.#hub.dropAll();
  }

  closeWatches(): void {
    this.#hub.endAll();
  }

  expire(): void {
    this.#store.compact();
    this.#pager.expireAll();
  }

  sendBookmark(): void {
    this.#hub.bookmarkAll();
  }

  injectGarbage(line: string): void {
    this.#hub.rawAll(line);
  }

  stall(on: boolean): void {
    this.#gate.set(on);
  }

  failNext(n: number, status: number, retryAfterSeconds?: number, only?: (path: string) => boolean): void {
    this.#failures.arm(n, status, retryAfterSeconds, only);
  }

  waitForWatchers(n: number, resourcePath?: string): Promise<void> {
    return this.#hub.waitFor(n, resourcePath);
  }

  waitForRequest(match: (r: RecordedRequest) => boolean): Promise<RecordedRequest> {
    return this.#log.waitFor(match);
  }

  async start(): Promise<void> {
    // Not an ephemeral port: while the server is stopped, a client reconnecting could be given it as its own source port.
    this.#port = await this.#listener.listen(this.#port || (await freePort()));
  }

  async stop(): Promise<void> {
    await this.#listener.close();
  }
}

/** Starts a fake API server on 127.0.0.1 that speaks the real API server's wire protocol. */
export async function startFakeApiServer(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const server = new FakeApi(opts);
  await server.start();
  return server;
}
