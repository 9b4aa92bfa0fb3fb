import { singleQuoted } from '../domain/http-header.ts';
import { allowlistFile } from './allowlists.ts';
import type { BackendModel, ServerModel } from './model.ts';
import { routeDefaultsName } from './route-defaults.ts';
import { actionLine } from './traffic-config.ts';

/**
 * One route backend's section of a backend file, each line ending in a
 * newline. Written as code rather than an Eta template: the section is
 * always the router's own (the runtime API's commands must match it, so
 * --template never replaces it), and a start renders one per route, where
 * the template's string building and the call around it were a fifth of
 * the render at 10,000 routes. `serverLine` is the text after `server`.
 * What every route backend of a mode has (its mode, the hash type,
 * redispatch) is in the defaults section it names (route-defaults.ts), not
 * on each backend: a quarter of every backend's text, in memory and on disk.
 */
export function backendText(b: BackendModel, serverLine: (s: ServerModel, index: number) => string): string {
  const lines = [`backend ${b.name} from ${routeDefaultsName(b.mode)}`];
  if (b.h1CaseAdjust) lines.push('  option h1-case-adjust-bogus-server');
  lines.push(`  balance ${b.balance}`);
  if (b.allowlistAcl) lines.push(`  tcp-request content reject if !{ src -f ${allowlistFile(b.name)} }`);
  if (b.rewrite) lines.push(`  http-request replace-path ${singleQuoted(b.rewrite.pattern)} '${b.rewrite.replacement}'`);
  for (const line of b.filterLines) lines.push(`  ${line}`);
  if (b.mode === 'tcp' && b.tunnelTimeoutMs !== undefined) lines.push(`  timeout tunnel ${b.tunnelTimeoutMs}ms`);
  if (b.cookie) {
    const secure = b.cookie.secure ? ` secure attr SameSite=${b.cookie.sameSite}` : '';
    lines.push(`  cookie ${b.cookie.name} insert indirect nocache httponly${secure} dynamic`, `  dynamic-cookie-key ${b.cookie.key}`);
  }
  for (const a of b.headerActions?.request ?? []) lines.push(`  ${actionLine('request', a)}`);
  for (const a of b.headerActions?.response ?? []) lines.push(`  ${actionLine('response', a)}`);
  b.servers.forEach((s, i) => lines.push(`  server ${serverLine(s, i)}`));
  lines.push('');
  return lines.join('\n');
}
