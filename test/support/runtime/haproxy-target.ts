import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EMBEDDED_ASSETS } from '../../../src/config/embedded-assets.ts';
import { createRenderer } from '../../../src/config/render.ts';
import { HaproxySupervisor } from '../../../src/haproxy/supervisor.ts';
import { writeTicketKeys } from '../../../src/haproxy/ticket-keys.ts';
import { createLogger } from '../../../src/log.ts';
import { makeSelfSignedLeaf } from '../certs.ts';
import { settings } from '../fixtures.ts';
import { freePortPair, get, rawGet } from '../net.ts';
import { shortTempDir } from '../workdir.ts';
import type { RuntimeTarget, TargetKind } from './contract.ts';

/** haproxy as on Debian 12 (2.6.12), unless the environment points elsewhere. */
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy';

function killIfAlive(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone, which is the normal case after a graceful stop.
  }
}

/** The contract's target backed by a real haproxy. */
export const haproxyTarget: TargetKind = { start: startHaproxyTarget, dataPlane: true };

/**
 * The contract's target backed by a real haproxy in master-worker mode,
 * loading the router's own rendered configuration on loopback ports, with
 * every socket in a short temp dir.
 */
async function startHaproxyTarget(): Promise<RuntimeTarget> {
  const dir = shortTempDir('rtc');
  const [httpPort, httpsPort] = await freePortPair();
  const leaf = makeSelfSignedLeaf({ dnsNames: ['localhost'] });
  const certDir = join(dir.path, 'certs');
  mkdirSync(certDir);
  const ticketKeysPath = await writeTicketKeys(certDir);
  const base = settings();
  const targetSettings = settings({
    httpPort,
    httpsPort,
    adminSocketPath: join(dir.path, 'admin.sock'),
    sniSocketPath: join(dir.path, 'sni.sock'),
    noSniSocketPath: join(dir.path, 'nosni.sock'),
    certDir,
    tls: { ...base.tls, ticketKeysPath },
  });
  const supervisor = new HaproxySupervisor({
    haproxyBinary: HAPROXY,
    configPath: join(dir.path, 'haproxy.config'),
    masterSocketPath: join(dir.path, 'master.sock'),
    adminSocketPath: join(dir.path, 'admin.sock'),
    pidFile: join(dir.path, 'haproxy.pid'),
    drainTimeoutMs: 30_000,
    logger: createLogger({ format: 'json', level: 'silent' }),
  });
  const pids = new Set<number>();

  return {
    settings: targetSettings,
    defaultCertificate: `${leaf.key}${leaf.cert}`,
    async load(model) {
      for (const [name, text] of createRenderer(EMBEDDED_ASSETS)(model)) {
        mkdirSync(dirname(join(dir.path, name)), { recursive: true });
        writeFileSync(join(dir.path, name), text);
      }
      // As CertStore.write does before every commit; certificates changed live travel in the command instead.
      for (const c of model.certificates) writeFileSync(join(certDir, c.name), c.pem, { mode: 0o600 });
      await supervisor.start();
      const master = supervisor.masterPid;
      if (master !== undefined) pids.add(master);
      for (const pid of (await supervisor.procState())?.workerPids ?? []) pids.add(pid);
    },
    async workerPid() {
      const workers = (await supervisor.procState())?.workerPids ?? [];
      if (workers.length !== 1 || workers[0] === undefined) throw new Error(`expected one haproxy worker, found ${JSON.stringify(workers)}`);
      pids.add(workers[0]);
      return workers[0];
    },
    async request(host) {
      const answer = await get(httpPort, host);
      return { status: answer.status, backend: answer.backend };
    },
    async holdRequest({ host, upstream }) {
      const held = upstream.nextHold();
      // rawGet resolves when haproxy closes the client connection, which it does only once the stream is over.
      const response = rawGet(httpPort, host, '/hold');
      const release = await held;
      return async () => {
        release();
        const { status } = await response;
        if (status !== 200) throw new Error(`held request ended with ${status}`);
      };
    },
    async stop() {
      await supervisor.stop();
      for (const pid of pids) killIfAlive(pid);
      dir.remove();
    },
  };
}
