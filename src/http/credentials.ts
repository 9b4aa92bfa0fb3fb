/** The stats credentials: read once at start, and checked on each protected request. */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { statsAuthProblem, type StatsAuth } from '../config/stats-page.ts';
import { errorMessage } from '../errors.ts';
import type { StatsOptions } from '../options.ts';

/** A file's text as written by a secret mount (as is) or by `echo` (one trailing newline, dropped). */
async function readSecret(path: string, setting: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`${setting}: cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

/** The credentials of /metrics and the stats page; files that cannot be read, or that haproxy.config could not hold, are errors. */
export async function readStatsCredentials(stats: StatsOptions): Promise<StatsAuth | undefined> {
  const given = stats.credentials;
  if (given === undefined || given.kind === 'values') return given && { user: given.user, password: given.password };
  const auth = { user: await readSecret(given.userFile, '--stats-user-file'), password: await readSecret(given.passwordFile, '--stats-password-file') };
  if (auth.user === '' || auth.password === '') throw new Error('--stats-user-file, --stats-password-file: a file is empty');
  const problem = stats.server === 'haproxy' && stats.listen ? statsAuthProblem(auth) : undefined;
  if (problem) throw new Error(`--stats-user-file, --stats-password-file: ${problem}`);
  return auth;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether a request's Authorization header carries `auth` (Basic); compared in constant time. */
export function authorized(header: string | null, auth: StatsAuth): boolean {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(auth.user));
  const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(auth.password));
  return userOk && passwordOk;
}
