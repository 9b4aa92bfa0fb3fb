import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { INITIAL_STATE, candidateAccepted, candidateRefused, markApplied, workerLoaded, workerOutOfStep } from './applied-state.ts';

const files = new Map([['haproxy.config', 'x']]);
const plain = model([backend('be_http:ns:a', [server('s1')]), backend('be_http:_spare:1', [])]);
/** The same routes as the worker runs them with route b on a spare. */
const onSpare = model([backend('be_http:ns:a', [server('s1')]), backend('be_http:_spare:1', [server('s2')])]);
const plainWithB = model([backend('be_http:ns:a', [server('s1')]), backend('be_http:ns:b', [server('s2')]), backend('be_http:_spare:1', [])]);
const cert = (name: string) => ({ name, pem: '' });

describe('markApplied', () => {
  test('a plain load holds nothing', () => {
    expect(markApplied(INITIAL_STATE, { files, model: plain, plain }, 5).state.heldSince).toBeUndefined();
  });

  test('a worker on spares is held from the first such commit on, and a plain load ends it', () => {
    const first = markApplied(INITIAL_STATE, { files, model: onSpare, plain: plainWithB }, 5).state;
    expect(first.heldSince).toBe(5);
    const later = markApplied(first, { files, model: onSpare, plain: plainWithB }, 9).state;
    expect(later.heldSince).toBe(5);
    expect(markApplied(later, { files, model: plainWithB, plain: plainWithB }, 12).state.heldSince).toBeUndefined();
  });

  test('pruning keeps this model\'s certificates and the previous one\'s (a rollback may load it)', () => {
    const before = markApplied(INITIAL_STATE, { files, model: model([], { certificates: [cert('cert-a'), cert('cert-b')] }), plain }, 0).state;
    const next = markApplied(before, { files, model: model([], { certificates: [cert('cert-c')] }), plain }, 1);
    expect([...next.keepCertificates].sort()).toEqual(['cert-a', 'cert-b', 'cert-c']);
    expect([...next.state.certNames]).toEqual(['cert-c']);
  });
});

describe('worker and candidate marks', () => {
  test('out of step until a load', () => {
    const out = workerOutOfStep(INITIAL_STATE, 'worker-out-of-step');
    expect(out.outOfStep).toBe('worker-out-of-step');
    expect(workerLoaded(out).outOfStep).toBeUndefined();
  });

  test("a load sets the highest connection limit the worker takes live: the loaded model's, kept through runtime changes", () => {
    const loaded = workerLoaded(markApplied(INITIAL_STATE, { files, model: model([], { settings: settings({ maxConnections: 3000 }) }), plain }, 0).state);
    expect(loaded.loadedMaxConnections).toBe(3000);
    const lowered = markApplied(loaded, { files, model: model([], { settings: settings({ maxConnections: 2000 }) }), plain }, 1).state;
    expect(lowered.loadedMaxConnections).toBe(3000);
    expect(workerLoaded(lowered).loadedMaxConnections).toBe(2000);
  });

  test('a refused candidate is remembered until one passes', () => {
    const refused = candidateRefused(INITIAL_STATE, files);
    expect(refused.refused).toBe(files);
    expect(candidateAccepted(refused).refused).toBeUndefined();
  });
});
