/**
 * The messages between the scale benches and their fake API server's
 * process (bench/scale/api-process.ts, driven by bench/scale/api-client.ts).
 * Times are ms since the epoch (`performance.timeOrigin + performance.now()`),
 * so each process converts them to its own time base.
 */
import type { KubeObject, ServerTls, StoredKind } from '../../test/support/fake-api/fake-api-server.ts';
import type { Mix } from './mix.ts';
import type { MixCertificates } from './objects.ts';

export interface StartMessage {
  type: 'start';
  tls: ServerTls;
  token: string;
}

export type Call =
  | { type: 'create'; object: KubeObject }
  | { type: 'update'; object: KubeObject }
  | { type: 'remove'; kind: StoredKind; namespace: string | undefined; name: string }
  | { type: 'loadMix'; mix: Mix; certs: MixCertificates; ownCerts: ReadonlyMap<string, { cert: string; key: string }> | undefined }
  | { type: 'statusWrites' };

export type Request = Call & { id: number };

/** When the call reached the server's process, and when the store change (and with it every watch event it causes) was written. */
export interface Written {
  receivedAt: number;
  writtenAt: number;
}

export type Reply = { id: number; written: Written } | { id: number; count: number } | { id: number; error: string };

export type ChildMessage = { type: 'ready'; url: string } | { type: 'failed'; error: string } | Reply;
