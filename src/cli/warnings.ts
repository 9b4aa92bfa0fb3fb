/** What the operator should hear at start about how they passed their settings. */
import type { ReadableName } from './flags.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { statsWarnings } from './stats-checks.ts';

/** Secrets in argv are readable by every user of the host (ps, /proc/<pid>/cmdline); the environment and files are not. */
const SECRETS_ON_COMMAND_LINE: readonly (readonly [ReadableName, string])[] = [
  ['--token', 'use --token-file (ROUTER_TOKEN_FILE) or a kubeconfig'],
  ['--default-certificate', 'its private key too; use --default-certificate-path, --default-certificate-dir or DEFAULT_CERTIFICATE'],
  ['--stats-password', 'use --stats-password-file or STATS_PASSWORD'],
];

export function settingWarnings(s: ResolvedSettings): string[] {
  const secrets = SECRETS_ON_COMMAND_LINE.filter(([flag]) => s.onCommandLine(flag)).map(
    ([flag, instead]) => `${flag} is on the command line, where every user of this host can read it (ps): ${instead}`,
  );
  return [...secrets, ...statsWarnings(s)];
}

/** Settings that do nothing as given, as upstream: the operator hears it once, at info level. */
export function settingNotes(s: ResolvedSettings): string[] {
  const pair = ['ROUTER_UNIQUE_ID_FORMAT', 'ROUTER_UNIQUE_ID_HEADER_NAME'] as const;
  const [format, header] = pair.map((name) => s.given(name));
  if (format === header) return [];
  const [given, missing] = format ? pair : [pair[1], pair[0]];
  return [`${given} has no effect without ${missing} (as in openshift-router)`];
}
