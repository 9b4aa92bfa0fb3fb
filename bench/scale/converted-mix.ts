/**
 * The scale bench's podless mix of `n` routes as the router's domain
 * objects (converted as a source would), for benches that time the
 * router's own steps in process.
 */
import type { EndpointSlice } from '../../src/domain/endpoints.ts';
import type { Route } from '../../src/domain/route.ts';
import { toEndpointSlices, toRoute } from '../../src/sources/convert.ts';
import { makeMixCertificates } from './cluster.ts';
import { podlessMix } from './mix.ts';
import { routeObject, sliceObjects } from './objects.ts';

export function convertedMix(n: number): { routes: Route[]; slices: Map<string, EndpointSlice>; certs: ReturnType<typeof makeMixCertificates>['certs'] } {
  const mix = podlessMix(n);
  const { certs } = makeMixCertificates();
  const routes: Route[] = [];
  for (const spec of mix.routes) {
    const converted = toRoute(routeObject(spec, certs));
    if (converted.ok) routes.push(converted.value);
  }
  const slices = new Map<string, EndpointSlice>();
  for (const service of mix.services) {
    for (const obj of sliceObjects(service)) {
      const converted = toEndpointSlices(obj, 'EndpointSlice');
      if (converted.ok) for (const s of converted.value) slices.set(`${s.namespace}/${s.name}`, s);
    }
  }
  return { routes, slices, certs };
}
