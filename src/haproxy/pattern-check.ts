import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { singleQuoted } from '../domain/http-header.ts';
import { checkConfig } from './check-config.ts';

/**
 * haproxy's own verdict on a regular expression, as the subject filter of
 * client certificates uses it: haproxy's PCRE2 takes what JavaScript's
 * syntax refuses (`(?i)`, possessive quantifiers) and the other way round,
 * so only haproxy can say. undefined when haproxy takes it, else its words.
 */
export async function regexProblem(haproxyBinary: string, pattern: string): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'router-regex-'));
  try {
    const path = join(dir, 'check.config');
    await writeFile(path, `backend check\n  mode http\n  http-request deny unless { ssl_c_s_dn -m reg ${singleQuoted(pattern)} }\n`);
    // A configuration without listeners "will not start": only alerts say the pattern is wrong.
    const alerts = (await checkConfig(haproxyBinary, path)).output.filter((l) => l.startsWith('[ALERT]'));
    return alerts.length === 0 ? undefined : alerts.map((l) => l.replace(/^\[ALERT\]\s*\(\d+\) : (?:config : )?/, '')).join(' ');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
