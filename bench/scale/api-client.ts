/**
 * The benches' side of the fake API server's process
 * (bench/scale/api-process.ts): writes go over IPC and resolve to the time
 * the server wrote their watch events, converted to this process's
 * performance.now() base. Calls are pipelined: many may be in flight.
 */
import type { Subprocess } from 'bun';
import { join } from 'node:path';
import type { KubeObject, ServerTls, StoredKind } from '../../test/support/fake-api/fake-api-server.ts';
import type { Call, ChildMessage, Reply, StartMessage } from './api-protocol.ts';
import { stop, track } from './children.ts';
import type { Mix } from './mix.ts';
import type { MixCertificates } from './objects.ts';

/** A write's two moments, in this process's performance.now() base. */
export interface WriteTimes {
  /** The server's process received the call. */
  receivedAt: number;
  /** The server wrote the change's watch events: a change's t0, "event to served". */
  writtenAt: number;
}

/** What the benches do to the cluster. */
export interface ClusterApi {
  create(object: KubeObject): Promise<WriteTimes>;
  update(object: KubeObject): Promise<WriteTimes>;
  remove(kind: StoredKind, namespace: string | undefined, name: string): Promise<WriteTimes>;
  /** Every slice, then every route of the mix (`ownCerts`: certificates of routes that have their own), in one message; resolves with how many objects are stored. */
  loadMix(mix: Mix, certs: MixCertificates, ownCerts?: ReadonlyMap<string, { cert: string; key: string }>): Promise<number>;
  /** How many route status writes (PATCH .../status) the server has received. */
  statusWrites(): Promise<number>;
}

/** An epoch time from the server's process in this process's performance.now() base. */
const local = (epochMs: number) => epochMs - performance.timeOrigin;

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

export class ApiProcess implements ClusterApi {
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  constructor(private readonly proc: Subprocess) {
    void proc.exited.then(() => {
      for (const p of this.#pending.values()) p.reject(new Error('the fake API server process exited'));
      this.#pending.clear();
    });
  }

  /** Handles a message of the server's process; called by the IPC handler. */
  receive(message: ChildMessage): void {
    if (!('id' in message)) return;
    const pending = this.#pending.get(message.id);
    this.#pending.delete(message.id);
    pending?.resolve(message);
  }

  create(object: KubeObject): Promise<WriteTimes> {
    return this.#write({ type: 'create', object });
  }

  update(object: KubeObject): Promise<WriteTimes> {
    return this.#write({ type: 'update', object });
  }

  remove(kind: StoredKind, namespace: string | undefined, name: string): Promise<WriteTimes> {
    return this.#write({ type: 'remove', kind, namespace, name });
  }

  loadMix(mix: Mix, certs: MixCertificates, ownCerts?: ReadonlyMap<string, { cert: string; key: string }>): Promise<number> {
    return this.#count({ type: 'loadMix', mix, certs, ownCerts });
  }

  statusWrites(): Promise<number> {
    return this.#count({ type: 'statusWrites' });
  }

  /** Ends the server's process; its sockets close with it. */
  stop(): Promise<void> {
    return stop(this.proc, 5000);
  }

  async #write(call: Call): Promise<WriteTimes> {
    const reply = await this.#call(call);
    if (!('written' in reply)) throw new Error(`${call.type}: no write time in the reply`);
    return { receivedAt: local(reply.written.receivedAt), writtenAt: local(reply.written.writtenAt) };
  }

  async #count(call: Call): Promise<number> {
    const reply = await this.#call(call);
    if (!('count' in reply)) throw new Error(`${call.type}: no count in the reply`);
    return reply.count;
  }

  #call(call: Call): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        reject(new Error('the fake API server process exited'));
        return;
      }
      this.#pending.set(id, { resolve, reject });
      this.proc.send({ ...call, id });
    }).then((reply) => {
      if ('error' in reply) throw new Error(`${call.type}: ${reply.error}`);
      return reply;
    });
  }
}

/** Starts the fake API server in a process of its own, serving HTTPS with `tls` and requiring `token`; resolves with its URL once it listens. */
export async function startApiProcess(tls: ServerTls, token: string): Promise<{ api: ApiProcess; url: string }> {
  let started: ((m: ChildMessage) => void) | undefined;
  let api: ApiProcess | undefined;
  const ready = new Promise<ChildMessage>((resolve) => (started = resolve));
  const proc = track(
    'fake API server',
    Bun.spawn(['bun', join(import.meta.dir, 'api-process.ts')], {
      // Its collector's lines would otherwise mix with the bench's own on the bench's stderr, which bench/commit-timeline.ts reads as the bench's pauses.
      env: { ...process.env, BUN_JSC_logGC: undefined },
      stdio: ['ignore', 'inherit', 'inherit'],
      ipc(message: ChildMessage) {
        if (api) api.receive(message);
        else started?.(message);
      },
    }),
  );
  const start: StartMessage = { type: 'start', tls, token };
  proc.send(start);
  const first = await Promise.race([ready, proc.exited.then((code) => ({ type: 'failed' as const, error: `exited ${code}` }))]);
  if (!('type' in first) || first.type !== 'ready') {
    await stop(proc, 1000);
    throw new Error(`the fake API server did not start: ${'error' in first ? first.error : 'no ready message'}`);
  }
  api = new ApiProcess(proc);
  return { api, url: first.url };
}
