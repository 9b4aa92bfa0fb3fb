import type { ConfigChecker, ConfigWriter } from '../commit/ports.ts';
import type { CertStore } from './cert-store.ts';
import { BACKGROUND_NICE, checkConfig } from './check-config.ts';
import type { ConfigStore } from './config-store.ts';

/** The working dir's generations and certificate directory as one ConfigWriter. */
export function diskWriter(store: ConfigStore, certs: CertStore): ConfigWriter {
  return {
    stage: (files) => store.stage(files),
    activate: (generation) => store.activate(generation),
    update: (files) => store.update(files),
    hold: (generation) => store.hold(generation),
    flush: () => store.flush(),
    rollback: () => store.rollback(),
    discard: (generation) => store.discard(generation),
    writeCertificates: (files) => certs.write(files),
    writeCertificatesLater: (files) => certs.later(files),
    pruneCertificates: (keep) => certs.prune(keep),
  };
}

/** `haproxy -c`; `stopping` aborted: checks in flight are killed and none starts (a stop drains haproxy next). */
export function haproxyChecker(haproxyBinary: string, stopping?: AbortSignal): ConfigChecker {
  return { check: (configPath, opts) => checkConfig(haproxyBinary, configPath, opts?.background ? BACKGROUND_NICE : 0, stopping) };
}
