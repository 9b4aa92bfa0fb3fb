/** haproxy's largest server weight, and the largest a route's service may have. */
const MAX_WEIGHT = 256;
/**
 * The largest weight a server of a hash-based balance gets. haproxy builds
 * 16 tree nodes per unit of weight for each such server: 256 against 255
 * over 10,000 backends takes 80 s and 4 GB to check (BENCHMARKS.md), 16
 * against 15 a few seconds.
 */
const MAX_HASHED_WEIGHT = 16;
/** Balance algorithms haproxy runs without a hash tree sized by weights. */
const UNHASHED = new Set(['roundrobin', 'static-rr', 'leastconn', 'first']);
/** Past this common multiple of pod counts the exact ratio cannot fit in MAX_WEIGHT anyway (and products stay exact doubles). */
const MAX_COMMON_MULTIPLE = 2 ** 32;

/** Route weights are 0-256; an unset weight counts as 1 (openshift-router's getServiceUnitWeight). */
export function clampServiceWeight(weight: number | undefined): number {
  if (weight === undefined || !Number.isFinite(weight)) return 1;
  return Math.min(MAX_WEIGHT, Math.max(0, Math.trunc(weight)));
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Divides weights by their greatest common divisor: the same split in the smallest numbers. */
function lowestTerms(weights: readonly number[]): number[] {
  const divisor = weights.reduce(gcd, 0);
  return divisor <= 1 ? [...weights] : weights.map((w) => w / divisor);
}

/**
 * Each share (service weight / its pod count) as the smallest integers in
 * exactly that ratio, when they fit in haproxy's 1-256.
 */
function exactShares(services: readonly { weight: number; servers: number }[]): number[] | undefined {
  let multiple = 1;
  for (const s of services) {
    if (s.servers === 0 || s.weight === 0) continue;
    multiple = (multiple / gcd(multiple, s.servers)) * s.servers;
    if (multiple > MAX_COMMON_MULTIPLE) return undefined;
  }
  const scaled = lowestTerms(services.map((s) => (s.servers === 0 ? 0 : (s.weight * multiple) / s.servers)));
  return Math.max(...scaled) <= MAX_WEIGHT ? scaled : undefined;
}

/**
 * Per-server weight for each service of a route. As openshift-router's
 * calculateServiceWeights, with one active service every server gets 1 (so
 * a backend's weights do not depend on how the route was written), and
 * otherwise each service's weight is split across its servers. Upstream
 * then scales the shares so the largest is 256, truncating; here they are
 * the smallest integers in the same ratio, exact where upstream truncates,
 * because what haproxy builds for hash-based balancing (random, source)
 * grows with each server's weight: 16 tree nodes per unit, so 256 against
 * 1 is a 256 times larger tree for the same split (see BENCHMARKS.md).
 * Only when the exact ratio needs numbers above 256 are upstream's scaled
 * weights used, in lowest terms, never rounding a non-zero share to 0.
 */
export function serverWeights(services: readonly { weight: number; servers: number }[]): number[] {
  const active = services.filter((s) => s.weight > 0 && s.servers > 0);
  if (active.length === 1) return services.map((s) => (s.weight > 0 && s.servers > 0 ? 1 : 0));
  const exact = exactShares(services);
  if (exact) return exact;
  const shares = services.map((s) => (s.servers > 0 ? s.weight / s.servers : 0));
  const max = Math.max(0, ...shares);
  return lowestTerms(shares.map((share) => (share === 0 ? 0 : Math.max(1, Math.trunc((share * MAX_WEIGHT) / max)))));
}

/** Whether haproxy balances by a hash (random, source, uri, hdr...): its tree grows with every server's weight. */
export function isHashedBalance(balance: string): boolean {
  return !UNHASHED.has(balance.trim().split(/[\s(]/)[0] ?? '');
}

/**
 * Weights a hash-based balance can afford, whoever chose it: the same
 * weights when the largest is at most 16, else the nearest ratio whose
 * largest is 16 (each weight within half a unit of 16ths of the largest,
 * never 0 for a non-zero one), in lowest terms. Today's routes never get
 * there (several weighted services balance roundrobin); a balance a tenant
 * picks (issue #13) cannot make a load explode.
 */
export function hashableWeights(weights: readonly number[]): number[] {
  const max = Math.max(0, ...weights);
  if (max <= MAX_HASHED_WEIGHT) return [...weights];
  return lowestTerms(weights.map((w) => (w === 0 ? 0 : Math.max(1, Math.round((w * MAX_HASHED_WEIGHT) / max)))));
}
