/**
 * Writes a manifest directory of `routes` Routes, each with its own
 * EndpointSlice (1-3 endpoints), `perFile` routes to a file: the input of
 * the manifest source benchmark. A realistic mix: plain, edge, reencrypt and
 * passthrough routes, some with paths, labels and annotations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TERMINATIONS = ['', '', 'edge', 'reencrypt', 'passthrough'] as const;

/** The YAML of route `i` and its slice; `variant` changes the host, for the one-file change. */
export function routeDocs(i: number, variant = 0): string {
  const ns = `ns-${Math.floor(i / 100)}`;
  const name = `route-${i}`;
  const termination = TERMINATIONS[i % TERMINATIONS.length] ?? '';
  const path = termination !== 'passthrough' && i % 7 === 0 ? `  path: /api/v${i % 3}\n` : '';
  const tls = termination ? `  tls:\n    termination: ${termination}\n    insecureEdgeTerminationPolicy: Redirect\n` : '';
  const endpoints = Array.from({ length: 1 + (i % 3) }, (_, e) => {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) ^ e}`;
    return `  - addresses: ["${ip}"]\n    conditions: { ready: true }\n    targetRef: { kind: Pod, name: ${name}-pod-${e} }\n`;
  }).join('');
  return `apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: app-${i}
  annotations:
    haproxy.router.openshift.io/timeout: 30s
spec:
  host: ${name}${variant ? `-v${variant}` : ''}.apps.example.com
${path}  to:
    kind: Service
    name: svc-${i}
    weight: 100
  port:
    targetPort: http
${tls}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: svc-${i}-abcde
  namespace: ${ns}
  labels:
    kubernetes.io/service-name: svc-${i}
addressType: IPv4
endpoints:
${endpoints}ports:
  - name: http
    port: 8080
    protocol: TCP
---
`;
}

/** The text of file `f` (routes f*perFile ..); `variant` for its changed version. */
export function fileText(f: number, perFile: number, routes: number, variant = 0): string {
  let text = '';
  for (let i = f * perFile; i < Math.min(routes, (f + 1) * perFile); i++) text += routeDocs(i, variant);
  return text;
}

/** Writes the directory; returns the number of files. */
export function writeManifestTree(dir: string, routes: number, perFile: number): number {
  mkdirSync(dir, { recursive: true });
  const files = Math.ceil(routes / perFile);
  for (let f = 0; f < files; f++) writeFileSync(join(dir, fileName(f)), fileText(f, perFile, routes));
  return files;
}

export function fileName(f: number): string {
  return `routes-${String(f).padStart(5, '0')}.yaml`;
}
