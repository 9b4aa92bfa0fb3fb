import { expect } from 'bun:test';
import { route } from './fixtures.ts';
import type { Route, RouteTLS } from '../../src/domain/route.ts';
import type { AdmissionResult } from '../../src/admission/admit-routes.ts';
import type { RejectionReason, Verdict } from '../../src/admission/rejection.ts';
import type { AdmissionSettings } from '../../src/admission/settings.ts';

/**
 * Builders shared by the admission tests: scenarios read as "who is older,
 * in which namespace, claiming what" without restating every route field.
 */

/** Settings with every knob at openshift-router's default; override what a test is about. */
export function admissionSettings(overrides: Partial<AdmissionSettings> = {}): AdmissionSettings {
  return {
    allowedDomains: [],
    deniedDomains: [],
    allowWildcardRoutes: false,
    disableNamespaceOwnershipCheck: false,
    hostnameTemplate: undefined,
    overrideHostname: false,
    overrideDomains: [],
    routerDomain: undefined,
    ...overrides,
  };
}

export interface RouteSpec extends Partial<Omit<Route, 'tls'>> {
  /** Seconds after a fixed epoch; smaller is older. */
  age?: number;
  /** A termination, or full TLS fields (unset fields empty). */
  tls?: string | Partial<RouteTLS>;
}

/** A route called `name` (`namespace/name` accepted), `age` seconds after a fixed epoch. */
export function createRoute(name: string, spec: RouteSpec = {}): Route {
  const [namespace, short] = name.includes('/') ? (name.split('/') as [string, string]) : ['default', name];
  const { age = 0, tls, ...rest } = spec;
  return route({
    name: short,
    namespace,
    uid: `uid-${namespace}-${short}`,
    creationTimestamp: new Date(Date.UTC(2026, 0, 1) + age * 1000).toISOString(),
    tls: tls === undefined ? undefined : tlsFields(typeof tls === 'string' ? { termination: tls } : tls),
    ...rest,
  });
}

/** TLS settings with every field empty except those given. */
export function tlsFields(fields: Partial<RouteTLS>): RouteTLS {
  return { termination: 'edge', insecureEdgeTerminationPolicy: '', certificate: '', key: '', caCertificate: '', destinationCACertificate: '', ...fields };
}

/** Asserts exactly these `namespace/name` keys were admitted, in this (oldest-first) order. */
export function expectAdmitted(result: AdmissionResult, ...keys: string[]): void {
  expect(result.admitted.map((r) => `${r.namespace}/${r.name}`)).toEqual(keys);
}

/** Asserts `key` was rejected for `reason`, and with `message` when given. */
export function expectRejected(result: AdmissionResult, key: string, reason: RejectionReason, message?: string): void {
  const rejection = result.rejected.get(key);
  expect(rejection?.reason).toBe(reason);
  if (message !== undefined) expect(rejection?.message).toBe(message);
}

/** Asserts a single check's verdict: `undefined` for admitted, else the reason and optionally the message. */
export function expectVerdict(verdict: Verdict, reason: RejectionReason | undefined, message?: string): void {
  if (reason === undefined) {
    expect(verdict).toEqual({ ok: true });
    return;
  }
  expect(verdict).toMatchObject({ ok: false, reason, ...(message === undefined ? {} : { message }) });
}
