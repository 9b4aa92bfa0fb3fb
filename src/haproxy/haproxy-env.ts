/**
 * The environment haproxy runs in: the router's own, with glibc's malloc
 * asked to back its heap with transparent huge pages (`glibc.malloc.hugetlb=1`,
 * glibc 2.35+, which madvises its arenas; older glibc and other libcs ignore
 * the tunable). haproxy 2.6 allocates a large structure for every backend
 * and server while it parses, and at 10,000 routes a third of a load's CPU
 * was the page faults of touching that memory 4 KiB at a time: with huge
 * pages `haproxy -c` faults 2,500 times instead of 66,000 and a start to the
 * first answer costs master and worker about a quarter less CPU, at the same
 * RSS (BENCHMARKS.md, "Huge pages for haproxy's heap").
 *
 * An operator who sets `glibc.malloc.hugetlb` in GLIBC_TUNABLES (0 turns it
 * off) keeps that choice; other tunables they set are kept beside ours.
 */
const HUGETLB = 'glibc.malloc.hugetlb';

export function haproxyEnv(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string | undefined> {
  return { ...env, GLIBC_TUNABLES: withHugePages(env.GLIBC_TUNABLES) };
}

/** GLIBC_TUNABLES (`name=value` pairs joined by `:`) with huge pages for malloc unless it already says. */
export function withHugePages(tunables: string | undefined): string {
  const ours = `${HUGETLB}=1`;
  if (tunables === undefined || tunables.trim() === '') return ours;
  const named = tunables.split(':').some((pair) => pair.split('=', 1)[0]?.trim() === HUGETLB);
  return named ? tunables : `${tunables}:${ours}`;
}
