import { beforeEach, describe, expect, test } from 'bun:test';
import { A, ONE_POD, TWO_PODS, useCommitterHarness, type CommitterHarness } from '../../test/support/committer-harness.ts';
import { route, routeTls, slice } from '../../test/support/fixtures.ts';
import { servingCertificate } from '../config/route-contribution.ts';
import { desiredConfig } from '../plan/desired-config.ts';

const harness = useCommitterHarness();
let h: CommitterHarness;
beforeEach(() => {
  h = harness();
});

describe('committer: what haproxy or the disk refuses', () => {
  test('a route whose file haproxy refuses is quarantined alone, until its TLS changes', async () => {
    const edge = route({ name: 'e', tls: routeTls('edge', { certificate: 'CERT', key: 'KEY' }) });
    h.put(A, ONE_POD);
    h.put(edge, slice('e', ['10.0.0.9']));
    // The first start goes without a separate check; the check comes after the start fails.
    h.haproxy.startFailures.push('haproxy exited (code 1)');
    h.checker.answers.push({ ok: false, output: [`[ALERT]    (1) : config : unable to load certificate '/w/certs/${servingCertificate(edge)?.name}'`] });
    const c = h.committer({ runtimeUpdates: false });
    const refused = await c.commit();
    expect(refused.result).toBe('rejected-by-haproxy');
    expect(refused.retryAfterMs).toBe(0);
    expect(refused.quarantined).toEqual(['default/e']);
    const retried = await c.commit();
    expect(retried.result).toBe('started');
    expect([...retried.admitted.values()].map((r) => r.name)).toEqual(['a']);
    expect(retried.rejections.get('default/e')?.reason).toBe('ExtendedValidationFailed');
    h.put({ ...edge, tls: routeTls('edge', { certificate: 'CERT2', key: 'KEY' }) });
    expect([...(await c.commit()).admitted.values()].map((r) => r.name)).toEqual(['a', 'e']);
  });

  test('a route whose certificate file cannot be written is kept out alone, holding its host', async () => {
    const edge = route({ name: 'e', tls: routeTls('edge', { certificate: 'CERT', key: 'KEY' }) });
    const intruder = route({ name: 'e2', namespace: 'other', host: edge.host, creationTimestamp: '2026-06-01T00:00:00Z' });
    h.put(A, ONE_POD);
    h.put(edge, slice('e', ['10.0.0.9']));
    h.put(intruder, slice('e2', ['10.0.0.8'], { namespace: 'other' }));
    const c = h.committer();
    const file = desiredConfig(h.desiredInput(h.routes.values())).model.certificates[0]?.name ?? '';
    h.writer.unwritable.add(file);
    const first = await c.commit();
    expect(first.result).toBe('deferred');
    expect(first.retryAfterMs).toBe(0);
    expect(first.quarantined).toEqual(['default/e']);
    const second = await c.commit();
    expect(second.result).toBe('started');
    expect(second.rejections.get('default/e')?.message).toBe("the route's certificate file could not be written (ENAMETOOLONG)");
    expect(second.rejections.get('other/e2')?.reason).toBe('HostAlreadyClaimed');
    expect([...second.admitted.values()].map((r) => r.name)).toEqual(['a']);
  });

  test('a certificate fixed while haproxy -c runs on the broken one is tried, not quarantined as refused', async () => {
    const edge = route({ name: 'e', tls: routeTls('edge', { certificate: 'CERT', key: 'KEY' }) });
    h.put(A, ONE_POD);
    h.put(edge, slice('e', ['10.0.0.9']));
    const fixed = { ...edge, tls: routeTls('edge', { certificate: 'FIXED', key: 'KEY' }) };
    const refusal = { ok: false, output: [`[ALERT]    (1) : config : unable to load certificate '/w/certs/${servingCertificate(edge)?.name}'`] };
    const check = h.checker.check.bind(h.checker);
    h.checker.check = async (path) => {
      if (h.checker.checked.length > 0) return check(path);
      await check(path);
      // The owner fixes its certificate while haproxy checks the broken one.
      h.put(fixed);
      return refusal;
    };
    h.haproxy.startFailures.push('haproxy exited (code 1)');
    const c = h.committer({ runtimeUpdates: false });
    expect((await c.commit()).quarantined).toEqual(['default/e']);
    expect([...(await c.commit()).admitted.values()].map((r) => r.name)).toEqual(['a', 'e']);
  });

  test('a candidate haproxy refuses as a whole is not tried again until the files change', async () => {
    h.put(A, ONE_POD);
    const c = h.committer();
    await c.commit();
    h.put(A, TWO_PODS);
    h.checker.answers.push({ ok: false, output: ['[ALERT] (1) : config : something global'] });
    const c2 = h.committer({ runtimeUpdates: false });
    // A second committer on the same haproxy: its first load is a reload, which haproxy refuses.
    expect((await c2.commit()).result).toBe('rejected-by-haproxy');
    expect((await c2.commit()).result).toBe('unchanged');
    // The first start was not checked apart (nothing served yet); the refused reload was, once.
    expect(h.checker.checked).toHaveLength(1);
  });

  test('a check that could not run is retried later, not taken as a verdict', async () => {
    h.put(A, ONE_POD);
    // A haproxy of a previous router serves: the first start is checked before it takes over.
    h.haproxy.predecessor = true;
    h.checker.answers.push({ ok: false, output: ['cannot run haproxy: timeout'] });
    const c = h.committer();
    const outcome = await c.commit();
    expect(outcome.result).toBe('deferred');
    expect(outcome.retryAfterMs).toBe(2000);
    expect((await c.commit()).result).toBe('started');
  });

  test('a first start that fails for something else than the config fails the commit with its own error', async () => {
    h.put(A, ONE_POD);
    h.haproxy.startFailures.push('cannot bind socket 0.0.0.0:80');
    await expect(h.committer().commit()).rejects.toThrow('cannot bind socket 0.0.0.0:80');
    expect(h.checker.checked).toHaveLength(1);
  });
});
