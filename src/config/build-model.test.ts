import { describe, expect, test } from 'bun:test';
import { route, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from './build-model.ts';

const build = (routes: ReturnType<typeof route>[], slices: ReturnType<typeof slice>[], allowAddress: (ip: string) => boolean = () => true) =>
  buildConfigModel({ routes, slices, settings: settings(), allowAddress });

describe('buildConfigModel', () => {
  test('a route becomes a be_http backend with its ready endpoints as servers', () => {
    const m = build([route({ name: 'a' })], [slice('a', ['10.0.0.2', { ip: '10.0.0.3', ready: false }, { ip: '10.0.0.1', podName: 'a-1' }])]);
    expect(m.backends).toHaveLength(1);
    expect(m.backends[0]?.name).toBe('be_http:default:a');
    expect(m.backends[0]?.servers.map((s) => [s.name, s.ip, s.port, s.check])).toEqual([
      ['ept:a:http:10.0.0.2:8080', '10.0.0.2', 8080, true],
      ['pod:a-1:a:http:10.0.0.1:8080', '10.0.0.1', 8080, true],
    ]);
  });

  test('one server gets no health check', () => {
    const m = build([route({ name: 'a' })], [slice('a', ['10.0.0.1'])]);
    expect(m.backends[0]?.servers[0]?.check).toBe(false);
  });

  test('targetPort selects endpoint ports by name or number', () => {
    const slices = [slice('a', ['10.0.0.1'], { name: 's1', port: 8080, portName: 'http' }), slice('a', ['10.0.0.1'], { name: 's2', port: 9090, portName: 'metrics' })];
    const ports = (targetPort: string | number | undefined) =>
      build([route({ name: 'a', targetPort })], slices).backends[0]?.servers.map((s) => s.port);
    expect(ports(undefined)).toEqual([8080, 9090]);
    expect(ports('metrics')).toEqual([9090]);
    expect(ports(8080)).toEqual([8080]);
    expect(ports('8080')).toEqual([8080]);
    expect(ports('nope')).toEqual([]);
  });

  test('slices of other namespaces, UDP ports and non-IP addresses are ignored', () => {
    const m = build(
      [route({ name: 'a' })],
      [
        slice('a', ['10.0.0.1'], { namespace: 'other' }),
        slice('a', ['10.0.0.2'], { name: 'udp', protocol: 'UDP' }),
        slice('a', ['not-an-ip', '10.0.0.3 check', '10.0.0.4'], { name: 'mixed' }),
      ],
    );
    expect(m.backends[0]?.servers.map((s) => s.ip)).toEqual(['10.0.0.4']);
  });

  test('the address filter drops endpoints', () => {
    const m = build([route({ name: 'a' })], [slice('a', ['127.0.0.1', '10.0.0.1'])], (ip: string) => !ip.startsWith('127.'));
    expect(m.backends[0]?.servers.map((s) => s.ip)).toEqual(['10.0.0.1']);
  });

  test('alternate backends split weights and switch to roundrobin', () => {
    const r = route({ name: 'a', to: { kind: 'Service', name: 'a', weight: 3 }, alternateBackends: [{ kind: 'Service', name: 'b', weight: 1 }] });
    const m = build([r], [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.2'])]);
    expect(m.backends[0]?.balance).toBe('roundrobin');
    expect(m.backends[0]?.servers.map((s) => s.weight)).toEqual([256, 85]);
  });

  test('a single service uses the configured algorithm', () => {
    expect(build([route({ name: 'a' })], []).backends[0]?.balance).toBe('random');
  });

  test('maps hold host+path keys pointing at backends; backends are sorted', () => {
    const m = build([route({ name: 'z', host: 'h.com' }), route({ name: 'a', host: 'h.com', path: '/api' })], []);
    expect(m.backends.map((b) => b.name)).toEqual(['be_http:default:a', 'be_http:default:z']);
    expect(m.maps['os_http_be.map']).toEqual([{ key: 'h.com/api', value: 'be_http:default:a' }]);
    expect(m.maps['os_http_be_prefix.map']).toEqual([
      { key: 'h.com/', value: 'be_http:default:z' },
      { key: 'h.com/api/', value: 'be_http:default:a' },
    ]);
  });
});
