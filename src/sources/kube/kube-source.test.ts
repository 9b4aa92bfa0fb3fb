import { expect, test } from 'bun:test';
import { captureLogs } from '../../../test/support/log-capture.ts';
import { KUBE_SOURCE } from '../../../test/support/router-options.ts';
import type { KubeTransport } from '../../kube-client/transport.ts';
import { KubeSource } from './kube-source.ts';

test('a status write answered after its route was deleted keeps no record of it', () => {
  const transport: KubeTransport = { server: 'https://api.test', kubeFetch: () => Promise.reject(new Error('not asked')) };
  // The selection settings as the CLI gives them by default; nothing here is listed or watched.
  const source = new KubeSource({ ...KUBE_SOURCE, transport, watch: { watch: async () => new AbortController() }, logger: captureLogs().logger });
  source.rememberRoute({ metadata: { namespace: 'shop', name: 'gone', resourceVersion: '7' }, status: { ingress: [] } }, '6');
  expect(source.routeRecord('shop/gone')).toBeUndefined();
});
