/** Route weights are 0-256; an unset weight counts as 1 (openshift-router's getServiceUnitWeight). */
export function clampServiceWeight(weight: number | undefined): number {
  if (weight === undefined || !Number.isFinite(weight)) return 1;
  return Math.min(256, Math.max(0, Math.trunc(weight)));
}

/**
 * Per-server weight for each service of a route, as openshift-router's
 * calculateServiceWeights: with one active service every server gets 1 (so a
 * backend's weights do not depend on how the route was written); otherwise
 * each service's share is split across its servers and scaled so the largest
 * is 256, never rounding a non-zero share down to 0.
 */
export function serverWeights(services: readonly { weight: number; servers: number }[]): number[] {
  const active = services.filter((s) => s.weight > 0 && s.servers > 0);
  if (active.length === 1) return services.map((s) => (s.weight > 0 && s.servers > 0 ? 1 : 0));
  const shares = services.map((s) => (s.servers > 0 ? s.weight / s.servers : 0));
  const max = Math.max(0, ...shares);
  return shares.map((share) => (share === 0 ? 0 : Math.max(1, Math.trunc((share * 256) / max))));
}
