/**
 * `spec.tls.externalCertificate`: the `kubernetes.io/tls` Secret a Route
 * names, in its namespace, read with the router's own credentials. As
 * upstream's RouteSecretManager, each Secret a route names gets a watch of
 * its own (a field selector on its name, so RBAC may grant the router that
 * Secret alone: `resourceNames`), started when the first route names it and
 * stopped when the last stops. A route is resolved when delivered: the
 * Secret's `tls.crt` and `tls.key` become its certificate and key, so a
 * rotated Secret is a changed route, whose certificate goes live like any
 * other; or the reason it cannot be read becomes its problem, which
 * admission rejects it with.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { IngressSecret } from '../../domain/ingress.ts';
import { isDns1123Subdomain } from '../../domain/names.ts';
import { quoteForMessage } from '../../domain/quote.ts';
import type { Route } from '../../domain/route.ts';
import type { Informer } from '../../kube-client/list-watch.ts';
import { describeKubeError, statusCodeOf } from '../../kube-client/errors.ts';
import { toIngressSecret } from '../ingress/convert-ingress.ts';
import { collectionPath, type Collection } from './api-lister.ts';

export interface RouteSecretsOptions {
  /** --allow-external-certificates: false reads no Secret and rejects every route that names one. */
  enabled: boolean;
  inform(c: Collection, onUpsert: (obj: KubernetesObject) => void, onDelete: (obj: KubernetesObject) => void, onError: (err: unknown) => void): Informer;
  /** Routes whose resolution may have changed. */
  onRoutesChanged(keys: readonly string[]): void;
}

interface SecretWatch {
  informer: Informer;
  routes: Set<string>;
  secret: IngressSecret | undefined;
  /** The first list came back (the Secret is known to exist or not). */
  synced: boolean;
  /** Why the Secret cannot be read, while it cannot (a 403 from the API server). */
  forbidden: string | undefined;
  /** Resolves on the first list or the first error: what the source waits for before it serves. */
  settled: Promise<void>;
}

const FIELD = 'spec.tls.externalCertificate';
const TLS_TYPE = 'kubernetes.io/tls';

export class RouteSecrets {
  private readonly watches = new Map<string, SecretWatch>();
  private readonly wants = new Map<string, string>();

  constructor(private readonly opts: RouteSecretsOptions) {}

  /** Records which Secret the route (undefined: gone) names, starting and stopping watches to match. */
  setRoute(key: string, route: Route | undefined): void {
    if (!this.opts.enabled) return;
    const name = route?.tls?.externalCertificate;
    // A name no Secret can have is not watched: it would reach the watch's field selector as the tenant wrote it.
    const wanted = route && name && isDns1123Subdomain(name) ? `${route.namespace}/${name}` : undefined;
    const had = this.wants.get(key);
    if (had === wanted) return;
    if (had !== undefined) this.release(had, key);
    if (wanted === undefined) this.wants.delete(key);
    else {
      this.wants.set(key, wanted);
      this.watch(wanted).routes.add(key);
    }
  }

  /** Settles once every Secret named so far was listed or refused. */
  async settled(): Promise<void> {
    await Promise.all([...this.watches.values()].map((w) => w.settled));
  }

  stop(): void {
    for (const w of this.watches.values()) w.informer.stop();
    this.watches.clear();
  }

  /**
   * The route as served: with the Secret's certificate and key, or with the
   * reason it cannot have them (upstream's field error texts); undefined
   * while its Secret has not been read yet.
   */
  resolve(route: Route): Route | undefined {
    const name = route.tls?.externalCertificate;
    if (!route.tls || !name) return route;
    const w = this.watches.get(`${route.namespace}/${name}`);
    const problem = (text: string): Route => ({ ...route, externalCertificateStatus: { ok: false, problem: `${FIELD}: ${text}` } });
    if (!this.opts.enabled) return problem('Forbidden: this router serves no external certificates (--allow-external-certificates=false)');
    if (route.tls.certificate !== '' || route.tls.key !== '') return problem('Invalid value: "redacted certificate data": certificate and key may not be set with externalCertificate');
    if (!isDns1123Subdomain(name)) return problem(`Invalid value: ${quoteForMessage(name, 64)}: a Secret name must be a lowercase RFC 1123 subdomain`);
    if (w?.forbidden !== undefined) return problem(`Forbidden: the router may not read this secret: ${w.forbidden}`);
    if (!w?.synced) return undefined;
    const secret = w.secret;
    if (!secret) return problem(`Not found: "secrets \\"${name}\\" not found"`);
    if (secret.type !== TLS_TYPE) return problem(`Invalid value: "${name}": secret of type "${TLS_TYPE}" required`);
    const cert = secret.data['tls.crt'];
    const key = secret.data['tls.key'];
    if (!cert || !key) return problem(`Invalid value: "${name}": the secret has no ${!cert ? 'tls.crt' : 'tls.key'}${secret.undecodable.length > 0 ? ' that is base64' : ''}`);
    return { ...route, tls: { ...route.tls, certificate: cert, key }, externalCertificateStatus: { ok: true } };
  }

  private watch(secretKey: string): SecretWatch {
    const existing = this.watches.get(secretKey);
    if (existing) return existing;
    const [namespace = '', name = ''] = secretKey.split('/');
    const settle = Promise.withResolvers<void>();
    const changed = (update: (w: SecretWatch) => void) => {
      const w = this.watches.get(secretKey);
      if (!w) return;
      update(w);
      this.opts.onRoutesChanged([...w.routes]);
    };
    const informer = this.opts.inform(
      { path: collectionPath('v1', 'secrets', namespace), resourceName: 'secrets', labelSelector: undefined, fieldSelector: `metadata.name=${name}` },
      (obj) => {
        const converted = toIngressSecret(obj);
        changed((w) => {
          w.secret = converted.ok ? converted.value : undefined;
          w.forbidden = undefined;
        });
      },
      () => changed((w) => (w.secret = undefined)),
      (err) => {
        if (statusCodeOf(err) === 403) changed((w) => (w.forbidden = describeKubeError(err)));
        settle.resolve();
      },
    );
    const w: SecretWatch = { informer, routes: new Set(), secret: undefined, synced: false, forbidden: undefined, settled: settle.promise };
    this.watches.set(secretKey, w);
    informer.synced.then(
      () => {
        changed((x) => {
          x.synced = true;
          x.forbidden = undefined;
        });
        settle.resolve();
      },
      () => {},
    );
    return w;
  }

  private release(secretKey: string, routeKey: string): void {
    const w = this.watches.get(secretKey);
    if (!w) return;
    w.routes.delete(routeKey);
    if (w.routes.size > 0) return;
    w.informer.stop();
    this.watches.delete(secretKey);
  }
}
