import { describe, expect, test } from 'bun:test';
import { loadBalancerIdentity, updatedLoadBalancer } from './load-balancer-status.ts';

describe('loadBalancerIdentity', () => {
  test.each([
    ['router.example.com', '10.0.0.1', { hostname: 'router.example.com' }],
    [undefined, '10.0.0.1', { ip: '10.0.0.1' }],
    [undefined, '2001:db8::1', { ip: '2001:db8::1' }],
    [undefined, '', undefined],
    [undefined, '0.0.0.0', undefined],
    [undefined, '::', undefined],
  ])('canonical %p, bound to %p: %p', (canonical, bind, want) => expect(loadBalancerIdentity(canonical, bind)).toEqual(want));
});

describe('updatedLoadBalancer', () => {
  const other = { hostname: 'other-router.example.com' };
  const mine = { hostname: 'router.example.com' };

  test.each([
    ['adds our entry after the others', [other], mine, true, [other, mine]],
    ['removes only ours', [other, mine], mine, false, [other]],
    ['an address entry', [other], { ip: '10.0.0.1' }, true, [other, { ip: '10.0.0.1' }]],
    ['an address entry with a host name is someone else\'s', [{ ip: '10.0.0.1', hostname: 'x' }], { ip: '10.0.0.1' }, false, undefined],
    ['nothing to write when ours is there', [mine, other], mine, true, undefined],
    ['nothing to write when ours is absent', [other], mine, false, undefined],
  ])('%s', (_name, current, identity, served, want) => {
    expect(updatedLoadBalancer(current, identity, served)).toEqual(want);
  });
});
