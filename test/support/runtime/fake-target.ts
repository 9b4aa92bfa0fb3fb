import { join } from 'node:path';
import { EMBEDDED_ASSETS } from '../../../src/config/embedded-assets.ts';
import { createRenderer } from '../../../src/config/render.ts';
import { settings } from '../fixtures.ts';
import { shortTempDir } from '../workdir.ts';
import type { RuntimeTarget, TargetKind } from './contract.ts';
import { FakeRuntimeSocket, fakeAclsFromRendered, fakeBackendsFromConfig } from './fake-runtime-socket.ts';
import { fakeSslFromRendered } from './fake-ssl-store.ts';
import { configText } from '../../../src/config/config-files.ts';

/** The contract's target backed by FakeRuntimeSocket: no haproxy, no data plane. */
export const fakeTarget: TargetKind = { start: startFakeTarget, dataPlane: false };

async function startFakeTarget(): Promise<RuntimeTarget> {
  const dir = shortTempDir('rtf');
  const adminSocketPath = join(dir.path, 'admin.sock');
  let fake: FakeRuntimeSocket | undefined;
  const loaded = (): FakeRuntimeSocket => {
    if (!fake) throw new Error('fake target: nothing loaded');
    return fake;
  };
  return {
    settings: settings({ adminSocketPath }),
    // The fake only checks that a certificate payload has PEM armour.
    defaultCertificate: '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n',
    async load(model) {
      const files = createRenderer(EMBEDDED_ASSETS)(model);
      fake = await FakeRuntimeSocket.start(adminSocketPath, fakeBackendsFromConfig(configText(files)), fakeSslFromRendered(files), fakeAclsFromRendered(files));
    },
    // The fake runs in this process and never restarts.
    workerPid: async () => process.pid,
    request: () => Promise.reject(new Error('the fake admin socket proxies no traffic')),
    async holdRequest({ backend, server }) {
      const release = loaded().holdConnection(backend, server);
      return async () => release();
    },
    async stop() {
      await fake?.stop();
      dir.remove();
    },
  };
}
