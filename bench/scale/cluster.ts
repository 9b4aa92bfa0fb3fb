/**
 * The cluster side: the fake API server over TLS with a bearer token (as a
 * real cluster is reached), in a process of its own (bench/scale/api-process.ts),
 * and the certificates of the mix (the API server's made once with openssl
 * and reused); `api.loadMix` loads a mix into it.
 */
import { generateTestCerts } from '../../test/support/fake-api/certs.ts';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { startApiProcess, type ClusterApi } from './api-client.ts';
import { DOMAIN } from './mix.ts';
import type { MixCertificates } from './objects.ts';
import type { ApiAccess } from './router-run.ts';

const TOKEN = 'scale-bench-token';

export interface Cluster {
  api: ClusterApi;
  access: ApiAccess;
  stop(): Promise<void>;
}

let pkiOnce: ReturnType<typeof generateTestCerts> | undefined;

/** A fresh, empty API server (one per size: emptying 200,000 objects one by one would take longer). */
export async function startCluster(): Promise<Cluster> {
  pkiOnce ??= generateTestCerts();
  const pki = await pkiOnce;
  const { api, url } = await startApiProcess({ cert: pki.serverCert, key: pki.serverKey }, TOKEN);
  return { api, access: { url, token: TOKEN, caPem: pki.ca }, stop: () => api.stop() };
}

/** The shared route certificate, and the pods' certificate with the CA reencrypt routes verify it with. */
export function makeMixCertificates(): { certs: MixCertificates; pod: { cert: string; key: string } } {
  const ca = makeCA('scale-bench-ca');
  const route = makeLeaf(ca, { dnsNames: [`*.${DOMAIN}`] });
  const pod = makeLeaf(ca, { dnsNames: ['pod.scale-bench.internal'] });
  const extraCA = makeCA('scale-bench-extra-ca').cert;
  return { certs: { route: { cert: route.chain, key: route.key }, destinationCA: ca.cert, extraCA }, pod: { cert: pod.cert, key: pod.key } };
}
