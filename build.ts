/**
 * Builds the router as one executable with the template, error pages and
 * reload logic embedded (they are imported as text by src/config/embedded-assets.ts).
 *
 *   bun run build           dist/router, for this machine (ROUTER_OUTFILE overrides the path)
 *   bun run build:release   dist/release/: router-linux-amd64, router-linux-arm64 and SHA256SUMS,
 *                           what install.sh downloads (ROUTER_RELEASE_DIR overrides the dir)
 *
 * `--bytecode` needs `--format=esm`: without it bun writes a binary that
 * crashes at start (import.meta outside a module) while still exiting 0.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * bun fetches the runtime of another target from the npm registry
 * (@oven/bun-linux-*). amd64 uses the baseline build, which needs no AVX2:
 * the router's own work is not where CPU time goes, and it then runs on any x86-64 host.
 */
const RELEASE_TARGETS = [
  { asset: 'router-linux-amd64', bunTarget: 'bun-linux-x64-baseline', arch: 'x64', elfMachine: 62 },
  { asset: 'router-linux-arm64', bunTarget: 'bun-linux-arm64', arch: 'arm64', elfMachine: 183 },
] as const;

/**
 * JavaScriptCore's tier-up thresholds, multiplied: most of the router's code
 * (a commit, a start) runs a few times per change, and compiling it to the
 * optimizing tiers cost more CPU than it saved; truly hot loops (access-log
 * lines) still tier up. Measured in BENCHMARKS.md ("JIT policy"): router CPU
 * per endpoint change 6.8-8.1 -> 5.3-6.2 ms, access-log CPU per request 2.5 -> 2.1 µs.
 */
const JIT_POLICY = 16;

/**
 * The code the router runs on threads of its own, each an entry point of
 * the build: a compiled router finds it at its path under src/ (see
 * src/haproxy/worker-url.ts).
 */
const WORKER_ENTRY_POINTS = ['src/haproxy/log-drain-worker.ts', 'src/haproxy/file-writer-worker.ts'];

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function compile(outfile: string, bunTarget?: string): Promise<void> {
  await rm(outfile, { force: true });
  const target = bunTarget ? [`--target=${bunTarget}`] : [];
  const proc = Bun.spawn(['bun', 'build', '--compile', '--minify', '--bytecode', '--format=esm', `--compile-jit-policy=${JIT_POLICY}`, ...target, 'src/main.ts', ...WORKER_ENTRY_POINTS, '--outfile', outfile], {
    stdout: 'inherit',
    stderr: 'pipe',
  });
  const stderr = await new Response(proc.stderr).text();
  process.stderr.write(stderr);
  const code = await proc.exited;
  // bun reports some bytecode failures on stderr yet exits 0 with a broken binary.
  if (code !== 0 || /error:/i.test(stderr)) fail(`build of ${outfile} failed (exit ${code})`);
}

/** Runs the binary as a user would first run it; returns what `--version` printed. */
function checkRuns(outfile: string): string {
  const check = Bun.spawnSync([outfile, '--version']);
  if (check.exitCode !== 0) fail(`built ${outfile} does not run: ${check.stderr.toString()}`);
  return check.stdout.toString().trim();
}

/** A binary built for another architecture cannot run here; its ELF header says at least that bun built the right one. */
async function checkElfMachine(outfile: string, machine: number): Promise<void> {
  const header = new Uint8Array(await Bun.file(outfile).slice(0, 20).arrayBuffer());
  const isElf64 = header[0] === 0x7f && String.fromCharCode(...header.subarray(1, 4)) === 'ELF' && header[4] === 2;
  const found = new DataView(header.buffer).getUint16(18, true);
  if (!isElf64 || found !== machine) fail(`${outfile} is not a 64-bit ELF executable for machine ${machine} (found ${found})`);
}

async function sha256(path: string): Promise<string> {
  const hasher = new Bun.CryptoHasher('sha256');
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk);
  return hasher.digest('hex');
}

async function buildLocal(): Promise<void> {
  const outfile = process.env.ROUTER_OUTFILE ?? 'dist/router';
  await compile(outfile);
  console.log(`built ${outfile} (${checkRuns(outfile)})`);
}

async function buildRelease(): Promise<void> {
  const dir = process.env.ROUTER_RELEASE_DIR ?? 'dist/release';
  // Exactly the published files: nothing left over from an earlier build gets a checksum by accident.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const sums: string[] = [];
  for (const t of RELEASE_TARGETS) {
    const outfile = join(dir, t.asset);
    await compile(outfile, t.bunTarget);
    await checkElfMachine(outfile, t.elfMachine);
    const ran = process.arch === t.arch ? `, ${checkRuns(outfile)}` : ', built, not run on this machine';
    console.log(`built ${outfile} (${t.bunTarget}${ran})`);
    // sha256sum's format, which `sha256sum -c` and install.sh read.
    sums.push(`${await sha256(outfile)}  ${t.asset}\n`);
  }
  await Bun.write(join(dir, 'SHA256SUMS'), sums.join(''));
  console.log(`wrote ${join(dir, 'SHA256SUMS')}: ${(await readdir(dir)).sort().join(', ')}`);
}

await (process.argv.includes('--release') ? buildRelease() : buildLocal());
