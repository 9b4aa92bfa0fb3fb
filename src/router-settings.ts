import { randomInt } from 'node:crypto';
import { INTERNAL_HEALTH_PATH, type ConfigSettings } from './config/settings.ts';
import { statsPageSettings, type StatsAuth } from './config/stats-page.ts';
import type { RouterOptions } from './options.ts';
import type { WorkingPaths } from './working-paths.ts';

/** Files the router writes once at start and the config names. */
export interface ResolvedFiles {
  ticketKeysPath: string;
}

export function settingsFromOptions(options: RouterOptions, paths: WorkingPaths, files: ResolvedFiles, statsAuth?: StatsAuth): ConfigSettings {
  return {
    ...options.listen,
    ...options.haproxy,
    timeouts: options.timeouts,
    tls: { ...options.tls, ticketKeysPath: files.ticketKeysPath },
    logging: options.haproxyLog,
    http: options.http,
    errorPages: options.errorPages,
    serverOrderSeed: options.haproxy.shuffleServers ? randomInt(2 ** 31) : undefined,
    deepWildcards: options.gatewayApi !== undefined,
    // Spares are only ever taken over through the runtime API.
    sparesPerShape: options.runtimeUpdates ? options.sparesPerShape : 0,
    adminSocketPath: paths.adminSocket,
    certDir: paths.certDir,
    sniSocketPath: paths.sniSocket,
    noSniSocketPath: paths.noSniSocket,
    monitorUri: options.stats.listen && options.stats.server === 'router' ? INTERNAL_HEALTH_PATH : undefined,
    statsPage: statsPageSettings(options.stats, statsAuth),
  };
}
