import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMBEDDED_ASSETS } from '../../src/config/embedded-assets.ts';

/**
 * Writes into `dir` the embedded template changed to render an invalid
 * keyword as soon as a route backend named after a route `break-me`
 * exists, and returns its path (for --template): a candidate haproxy -c
 * refuses, made at will.
 */
export function templateBrokenByBreakMe(dir: string): string {
  const template = EMBEDDED_ASSETS.template.replace(
    'defaults\n',
    "defaults\n<% if (it.model.backends.some((b) => b.name.endsWith(':break-me'))) { -%>\n  no_such_keyword\n<% } -%>\n",
  );
  const path = join(dir, 'broken.eta');
  writeFileSync(path, template);
  return path;
}
