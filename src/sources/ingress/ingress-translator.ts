/**
 * The Ingresses a source knows, with the IngressClasses, Secrets and
 * Services they depend on, kept as the Routes they become. Sources feed it
 * objects as they change and ask which route keys changed: only the
 * Ingresses an object can affect are converted again (a rotated Secret
 * converts the Ingresses that name it, not every Ingress), so a change costs
 * work in proportion to what it touches. Conversion itself is pure
 * (`src/ingress/`); this class only remembers and indexes.
 */
import { classVerdict } from '../../ingress/ingress-class.ts';
import { ingressReferences, ingressRoutes } from '../../ingress/ingress-routes.ts';
import type { Ingress, IngressClass, IngressSecret, ServicePorts } from '../../domain/ingress.ts';
import { objectKey, type Route } from '../../domain/route.ts';

/** A line for the log: tenants' mistakes are warnings, Ingresses left to other controllers a debug line. */
export interface IngressProblem {
  level: 'warn' | 'debug';
  message: string;
}

export interface IngressTranslatorOptions {
  /** IngressClasses of this controller are ours (`--ingress-class-controller`). */
  controller: string;
  /** Whether the Secrets of `namespace` have been read yet; hosts that need them wait until then. Default: always. */
  secretsKnown?: (namespace: string) => boolean;
}

/** What one Ingress became at its last conversion. */
interface Output {
  routeKeys: readonly string[];
  problems: readonly IngressProblem[];
  /** Keys (`namespace/name`) of the Secrets and Services it reads; only Ingresses we serve read any. */
  secrets: readonly string[];
  services: readonly string[];
}

const NOTHING: Output = { routeKeys: [], problems: [], secrets: [], services: [] };

/** Adds or removes `ingress` under each of `keys` in a reverse index. */
function index(map: Map<string, Set<string>>, keys: readonly string[], ingress: string, add: boolean): void {
  for (const key of keys) {
    const set = map.get(key) ?? new Set<string>();
    if (add) set.add(ingress);
    else set.delete(ingress);
    if (set.size > 0) map.set(key, set);
    else map.delete(key);
  }
}

export class IngressTranslator {
  private readonly ingresses = new Map<string, Ingress>();
  private readonly classes = new Map<string, IngressClass>();
  private readonly secrets = new Map<string, IngressSecret>();
  private readonly services = new Map<string, ServicePorts>();
  private readonly outputs = new Map<string, Output>();
  private readonly routes = new Map<string, Route>();
  private readonly bySecret = new Map<string, Set<string>>();
  private readonly byService = new Map<string, Set<string>>();
  /** Served Ingresses that read Secrets, by namespace: where Secrets must be watched. */
  private readonly secretReaders = new Map<string, Set<string>>();
  private readonly dirty = new Set<string>();
  private everything = false;

  constructor(private readonly opts: IngressTranslatorOptions) {}

  setIngress(key: string, ingress: Ingress | undefined): void {
    if (ingress) this.ingresses.set(key, ingress);
    else this.ingresses.delete(key);
    this.dirty.add(key);
  }

  /** Any class can change which Ingresses are ours (the default class decides for those without one): all are looked at again. */
  setClass(name: string, ingressClass: IngressClass | undefined): void {
    if (ingressClass) this.classes.set(name, ingressClass);
    else this.classes.delete(name);
    this.everything = true;
  }

  setSecret(key: string, secret: IngressSecret | undefined): void {
    if (secret) this.secrets.set(key, secret);
    else this.secrets.delete(key);
    for (const ingress of this.bySecret.get(key) ?? []) this.dirty.add(ingress);
  }

  setService(key: string, service: ServicePorts | undefined): void {
    if (service) this.services.set(key, service);
    else this.services.delete(key);
    for (const ingress of this.byService.get(key) ?? []) this.dirty.add(ingress);
  }

  /** The Secrets of `namespace` are known now (or forgotten): its Ingresses that read Secrets are converted again. */
  secretsChanged(namespace: string): void {
    for (const ingress of this.secretReaders.get(namespace) ?? []) this.dirty.add(ingress);
  }

  /** Drops every Secret of `namespace` (no served Ingress there reads any now). */
  forgetSecrets(namespace: string): void {
    for (const key of [...this.secrets.keys()]) if (key.startsWith(`${namespace}/`)) this.setSecret(key, undefined);
  }

  /**
   * Converts the Ingresses marked since the last call. Returns the keys of
   * routes that may have changed (added, changed or gone), the problems
   * that are new since each Ingress's last conversion, and the Ingresses
   * converted (whose problems, `problemsOf`, may have changed).
   */
  reconcile(): { changed: string[]; problems: IngressProblem[]; converted: string[] } {
    const keys = this.everything ? new Set([...this.outputs.keys(), ...this.ingresses.keys()]) : this.dirty;
    const changed: string[] = [];
    const problems: IngressProblem[] = [];
    const converted = [...keys];
    for (const key of converted) {
      const before = this.outputs.get(key) ?? NOTHING;
      const after = this.convert(this.ingresses.get(key));
      this.replace(key, before, after);
      const had = new Set(before.routeKeys);
      changed.push(...before.routeKeys, ...after.routeKeys.filter((k) => !had.has(k)));
      const said = new Set(before.problems.map((p) => p.message));
      problems.push(...after.problems.filter((p) => !said.has(p.message)));
    }
    this.dirty.clear();
    this.everything = false;
    return { changed, problems, converted };
  }

  /** What the last conversion of the Ingress under `key` said (none for one that is gone). */
  problemsOf(key: string): readonly IngressProblem[] {
    return this.outputs.get(key)?.problems ?? [];
  }

  /** The route generated under `key`, as of the last `reconcile`. */
  route(key: string): Route | undefined {
    return this.routes.get(key);
  }

  routeKeys(): IterableIterator<string> {
    return this.routes.keys();
  }

  /** Every problem of every Ingress, as of the last `reconcile` (for sources that report what lasts). */
  allProblems(): IngressProblem[] {
    return [...this.outputs.values()].flatMap((o) => o.problems);
  }

  /** Namespaces where served Ingresses read Secrets. */
  secretNamespaces(): IterableIterator<string> {
    return this.secretReaders.keys();
  }

  private convert(ingress: Ingress | undefined): Output {
    if (ingress === undefined) return NOTHING;
    const verdict = classVerdict(ingress, this.classes, this.opts.controller);
    if (!verdict.ours) return { ...NOTHING, problems: [{ level: 'debug', message: `Ingress ${objectKey(ingress)} is not served: ${verdict.why}` }] };
    const ns = ingress.namespace;
    const known = this.opts.secretsKnown ?? (() => true);
    const converted = ingressRoutes(ingress, {
      secret: (namespace, name) => (known(namespace) ? this.secrets.get(`${namespace}/${name}`) : 'pending'),
      service: (namespace, name) => this.services.get(`${namespace}/${name}`),
    });
    const refs = ingressReferences(ingress);
    for (const route of converted.routes) this.routes.set(objectKey(route), route);
    return {
      routeKeys: converted.routes.map(objectKey),
      problems: converted.problems.map((message) => ({ level: 'warn', message })),
      secrets: refs.secrets.map((name) => `${ns}/${name}`),
      services: refs.services.map((name) => `${ns}/${name}`),
    };
  }

  /** Swaps an Ingress's indexes and routes from `before` to `after` (whose routes `convert` has already stored). */
  private replace(key: string, before: Output, after: Output): void {
    const ns = key.slice(0, key.indexOf('/'));
    index(this.bySecret, before.secrets, key, false);
    index(this.byService, before.services, key, false);
    index(this.secretReaders, before.secrets.length > 0 ? [ns] : [], key, false);
    index(this.bySecret, after.secrets, key, true);
    index(this.byService, after.services, key, true);
    index(this.secretReaders, after.secrets.length > 0 ? [ns] : [], key, true);
    const kept = new Set(after.routeKeys);
    for (const routeKey of before.routeKeys) if (!kept.has(routeKey)) this.routes.delete(routeKey);
    if (after === NOTHING) this.outputs.delete(key);
    else this.outputs.set(key, after);
  }
}
