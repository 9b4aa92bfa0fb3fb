/**
 * Builds dist/router: one executable with the template, error pages and
 * reload logic embedded (they are imported as text by src/config/embedded-assets.ts).
 * `--bytecode` needs `--format=esm`: without it bun writes a binary that
 * crashes at start (import.meta outside a module) while still exiting 0.
 */
import { rm } from 'node:fs/promises';

const outfile = process.env.ROUTER_OUTFILE ?? 'dist/router';
await rm(outfile, { force: true });
const proc = Bun.spawn(
  ['bun', 'build', '--compile', '--minify', '--bytecode', '--format=esm', 'src/main.ts', '--outfile', outfile],
  { stdout: 'inherit', stderr: 'pipe' },
);
const stderr = await new Response(proc.stderr).text();
process.stderr.write(stderr);
const code = await proc.exited;
// bun reports some bytecode failures on stderr yet exits 0 with a broken binary.
if (code !== 0 || /error:/i.test(stderr)) {
  console.error(`build failed (exit ${code})`);
  process.exit(1);
}
const check = Bun.spawnSync([outfile, '--version']);
if (check.exitCode !== 0) {
  console.error(`built ${outfile} does not run: ${check.stderr.toString()}`);
  process.exit(1);
}
console.log(`built ${outfile} (${check.stdout.toString().trim()})`);
