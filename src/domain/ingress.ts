/**
 * The router's own view of networking.k8s.io/v1 Ingresses and IngressClasses,
 * and of the Secrets and Services they name: only the fields that decide
 * which routes an Ingress becomes. Sources convert API objects into these at
 * the edge; everything here is still untrusted tenant input.
 */

/** What a path or the default backend sends requests to. */
export type IngressBackend =
  /** A Service port by name (`port.name`) or by number (`port.number`, the Service's port, not the pod's). */
  | { kind: 'Service'; name: string; port: { name: string } | { number: number } }
  /** `resource` backends (or a Service without a port): nothing a router can dial. */
  | { kind: 'Unsupported'; description: string };

export interface IngressPath {
  /** As written ("" when unset). */
  path: string;
  /** `Exact`, `Prefix`, `ImplementationSpecific`, or whatever was written. */
  pathType: string;
  backend: IngressBackend;
}

export interface IngressRule {
  /** As written: "", a host, or a `*.` wildcard host. */
  host: string;
  /** `http.paths`; undefined when the rule has no `http` (the default backend serves the host). */
  paths: readonly IngressPath[] | undefined;
}

export interface IngressTLS {
  hosts: readonly string[];
  /** "" when unset: the router's default certificate serves the hosts. */
  secretName: string;
}

export interface Ingress {
  namespace: string;
  name: string;
  uid: string;
  /** RFC 3339: the age its routes are admitted by, so restarts keep ownership. */
  creationTimestamp: string;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  /** `spec.ingressClassName`; undefined when unset. */
  className: string | undefined;
  defaultBackend: IngressBackend | undefined;
  rules: readonly IngressRule[];
  tls: readonly IngressTLS[];
}

export interface IngressClass {
  name: string;
  /** `spec.controller`. */
  controller: string;
  /** Annotated `ingressclass.kubernetes.io/is-default-class: "true"`. */
  isDefault: boolean;
}

/**
 * A Secret as Ingresses use it: its type and the decoded text of the keys
 * they read (`tls.crt`, `tls.key`); a key whose value is no base64 is
 * recorded in `undecodable` rather than guessed at.
 */
export interface IngressSecret {
  namespace: string;
  name: string;
  type: string;
  data: Readonly<Record<string, string>>;
  undecodable: readonly string[];
}

/** A Service's ports: the only part of a Service the router reads (an Ingress may name a port by number). */
export interface ServicePorts {
  namespace: string;
  name: string;
  ports: readonly { name: string; port: number }[];
}
