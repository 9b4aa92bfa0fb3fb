/** haproxy's own stats page (`listen stats`), as openshift-router renders it when the router's metrics server does not run. */
import type { StatsOptions } from '../options.ts';
import type { StatsPageSettings } from './settings.ts';

export interface StatsAuth {
  readonly user: string;
  readonly password: string;
}

/** `stats auth <user>:<password>` is one config word: no whitespace, quotes, backslash or '#', and no ':' in the user. */
const CONFIG_WORD = /^[^\s"'\\#]+$/;

/** Why these credentials cannot be written into haproxy.config, or undefined when they can. */
export function statsAuthProblem(auth: Partial<StatsAuth>): string | undefined {
  if (auth.user !== undefined && (!CONFIG_WORD.test(auth.user) || auth.user.includes(':'))) {
    return "the stats page's user may not hold whitespace, quotes, '\\', '#' or ':'";
  }
  if (auth.password !== undefined && !CONFIG_WORD.test(auth.password)) return "the stats page's password may not hold whitespace, quotes, '\\' or '#'";
  return undefined;
}

/** The page haproxy serves, or undefined when none is (nothing listens, or the router's own server does). */
export function statsPageSettings(stats: StatsOptions, auth: StatsAuth | undefined): StatsPageSettings | undefined {
  if (!stats.listen || stats.server !== 'haproxy') return undefined;
  return { host: stats.listen.host, port: stats.listen.port, auth };
}
