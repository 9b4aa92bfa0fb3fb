import { describe, expect, test } from 'bun:test';
import { classify, isManifestFileName, parseManifestFile } from './parse-manifests.ts';

const route = (name: string, namespace?: string) => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: namespace ? { name, namespace } : { name },
  spec: { to: { kind: 'Service', name: 'web' } },
});

describe('isManifestFileName', () => {
  test.each([
    ['route.yaml', true],
    ['route.yml', true],
    ['route.json', true],
    ['ROUTE.YAML', true],
    ['route.yaml~', false],
    ['.#route.yaml', false],
    ['.route.yaml.swp', false],
    ['.hidden.yaml', false],
    ['..data', false],
    ['#route.yaml#', false],
    ['4913', false],
    ['notes.txt', false],
  ])('%s → %p', (name, expected) => {
    expect(isManifestFileName(name)).toBe(expected);
  });
});

describe('parseManifestFile', () => {
  test.each([
    [
      'multi-document YAML, empty documents skipped',
      'a.yaml',
      '---\nkind: A\n---\n---\n# only a comment\n---\nkind: B\n',
      [{ kind: 'A' }, { kind: 'B' }],
    ],
    ['empty YAML file', 'a.yml', '', []],
    ['JSON object', 'a.json', '{"kind": "A"}', [{ kind: 'A' }]],
    [
      'List flattened',
      'a.yaml',
      'apiVersion: v1\nkind: List\nitems:\n- kind: A\n- kind: B\n---\nkind: C\n',
      [{ kind: 'A' }, { kind: 'B' }, { kind: 'C' }],
    ],
    ['RouteList flattened', 'a.yaml', 'kind: RouteList\nitems: [{kind: Route}]\n', [{ kind: 'Route' }]],
    ['List without items', 'a.yaml', 'kind: List\n', []],
    ['a kind ending in List without items is an object', 'a.yaml', 'kind: AllowList\nspec: {}\n', [{ kind: 'AllowList', spec: {} }]],
    ['JSON List flattened', 'a.json', '{"kind": "List", "items": [{"kind": "A"}]}', [{ kind: 'A' }]],
    ['YAML 1.2: yes and dates stay strings', 'a.yaml', 'a: yes\nt: 2024-05-01T10:00:00Z\n', [{ a: 'yes', t: '2024-05-01T10:00:00Z' }]],
  ])('%s', (_name, path, text, objects) => {
    expect(parseManifestFile(path, text)).toEqual({ ok: true, objects });
  });

  test.each([
    ['YAML syntax error names path, line and column', '/m/bad.yaml', 'kind: Route\nmetadata:\n  name: a: b\n', '/m/bad.yaml: Nested mappings are not allowed in compact mappings at line 3, column 9'],
    ['YAML duplicate key', '/m/dup.yaml', 'a: 1\na: 2\n', '/m/dup.yaml: Map keys must be unique at line 2, column 1'],
    ['error in a later document', '/m/two.yaml', 'kind: A\n---\nb: [1,\n', '/m/two.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1'],
    ['JSON syntax error', '/m/bad.json', '{"kind": ', '/m/bad.json: invalid JSON: '],
    ['empty JSON file', '/m/empty.json', '', '/m/empty.json: invalid JSON: '],
    ['document not a mapping', '/m/list.yaml', 'kind: A\n---\n- a\n- b\n', '/m/list.yaml: document 2 is not a mapping'],
    ['List items not a list', '/m/l.yaml', 'kind: List\nitems: {}\n', '/m/l.yaml: document 1: List items must be a list'],
    ['List item not a mapping', '/m/l.yaml', 'kind: List\nitems: [{kind: A}, 3]\n', '/m/l.yaml: document 1: List items[1] is not a mapping'],
    ['unsupported extension', '/m/x.txt', 'kind: A', '/m/x.txt: not a .yaml, .yml or .json file'],
  ])('%s', (_name, path, text, error) => {
    const result = parseManifestFile(path, text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toStartWith(error);
  });
});

describe('classify', () => {
  test('converts the kinds the router reads, defaulting the namespace, and skips Services without a warning', () => {
    const objects = [
      route('web'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-x', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1'] }],
      },
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db' }, subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] },
    ];
    const { objects: out, warnings, errors } = classify('/m/a.yaml', objects, 'default');
    expect([warnings, errors]).toEqual([[], []]);
    expect(out.routes.map((r) => `${r.namespace}/${r.name}`)).toEqual(['default/web']);
    expect(out.endpointSlices.map((s) => `${s.namespace}/${s.name}:${s.serviceName}`)).toEqual([
      'default/web-x:web',
      'default/db:db',
    ]);
  });

  test('other kinds and API versions are warnings', () => {
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
      { ...route('old'), apiVersion: 'route.openshift.io/v2' },
      { hello: 'world' },
    ];
    const { warnings, errors } = classify('/m/a.yaml', objects, 'default');
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toStartWith('/m/a.yaml: ignoring ConfigMap cm (v1): the router reads only');
    expect(warnings[1]).toStartWith('/m/a.yaml: ignoring Route old (route.openshift.io/v2)');
    expect(warnings[2]).toStartWith('/m/a.yaml: ignoring object without kind (no apiVersion)');
  });

  test('conversion failures are errors naming the file; the valid objects are still returned', () => {
    const bad = { ...route('bad', 'shop'), spec: { host: 42, to: { name: 'web' } } };
    const { objects, errors } = classify('/m/a.yaml', [bad, route('good')], 'default');
    expect(errors).toEqual(['/m/a.yaml: Route shop/bad: spec.host must be a string']);
    expect(objects.routes.map((r) => r.name)).toEqual(['good']);
  });

  test('with Ingresses served, the kinds they need are read too; a Service among them', () => {
    const objects = [
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'router' }, spec: { controller: 'c' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80 }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } },
    ];
    const { objects: out, warnings, errors } = classify('/m/a.yaml', objects, 'default', { ingress: true });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('and networking.k8s.io/v1 Ingress and IngressClass, v1 Secret and v1 Service')]);
    expect(out.ingress).toMatchObject({
      ingresses: [{ namespace: 'default', name: 'web' }],
      classes: [{ name: 'router', controller: 'c' }],
      secrets: [{ namespace: 'default', name: 's' }],
      services: [{ namespace: 'shop', name: 'web', ports: [{ name: 'http', port: 80 }] }],
    });
  });

  test('with Gateway API routes served, their kinds, Namespaces, Secrets and Services are read; Ingresses only with --enable-ingress', () => {
    const g = 'gateway.networking.k8s.io';
    const objects = [
      { apiVersion: `${g}/v1`, kind: 'GatewayClass', metadata: { name: 'router' }, spec: { controllerName: 'c/d' } },
      { apiVersion: `${g}/v1`, kind: 'Gateway', metadata: { name: 'gw' }, spec: { gatewayClassName: 'router', listeners: [] } },
      { apiVersion: `${g}/v1`, kind: 'HTTPRoute', metadata: { name: 'web' }, spec: {} },
      { apiVersion: `${g}/v1alpha2`, kind: 'TLSRoute', metadata: { name: 'db' }, spec: {} },
      { apiVersion: `${g}/v1beta1`, kind: 'ReferenceGrant', metadata: { name: 'rg' }, spec: {} },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels: { a: 'b' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } },
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} },
    ];
    const { objects: out, warnings, errors } = classify('/m/a.yaml', objects, 'default', { gateway: true });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('ignoring Ingress web (networking.k8s.io/v1)')]);
    expect([out.gateway?.classes.length, out.gateway?.gateways.length, out.gateway?.httpRoutes.length, out.gateway?.tlsRoutes.length, out.gateway?.grants.length]).toEqual([1, 1, 1, 1, 1]);
    expect([out.gateway?.namespaces, out.ingress?.services.map((s) => s.name), out.ingress?.ingresses]).toEqual([[{ name: 'team', labels: { a: 'b' } }], ['web'], []]);
  });
});
