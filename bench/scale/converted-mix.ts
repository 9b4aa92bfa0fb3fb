/**
 * The scale bench's podless mix of `n` routes as the router's domain
 * objects (converted as a source would), for benches that time the
 * router's own steps in process.
 */
import { admissionSettings } from '../../test/support/admission.ts';
import { settings as configSettings } from '../../test/support/fixtures.ts';
import type { TlsValidator } from '../../src/admission/admit-routes.ts';
import { DesiredState } from '../../src/plan/desired-state.ts';
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

/** The router's DesiredState for the mix, as a start makes it, with `sparesPerShape` spares per pool (the router's default is 10). */
export function mixDesiredState(defaultCertificate: string, validateTls: TlsValidator, sparesPerShape: number): DesiredState {
  return new DesiredState({
    admission: admissionSettings(),
    validateTls,
    settings: configSettings({ maxConnections: 50000, sparesPerShape }),
    fdLimit: undefined,
    allowAddress: () => true,
    includeUdpEndpoints: false,
    defaultCertificate: () => defaultCertificate,
    defaultDestinationCa: () => undefined,
  });
}
