import { describe, expect, test } from 'bun:test';
import type { Ingress, IngressClass } from '../domain/ingress.ts';
import { classVerdict, DEFAULT_CLASS_CONTROLLER } from './ingress-class.ts';

const ours = (name: string, isDefault = false): IngressClass => ({ name, controller: DEFAULT_CLASS_CONTROLLER, isDefault });
const foreign = (name: string, isDefault = false): IngressClass => ({ name, controller: 'k8s.io/ingress-nginx', isDefault });

const ingress = (className: string | undefined, annotation?: string): Ingress => ({
  namespace: 'shop',
  name: 'web',
  uid: '',
  creationTimestamp: '',
  labels: {},
  annotations: annotation === undefined ? {} : { 'kubernetes.io/ingress.class': annotation },
  className,
  defaultBackend: undefined,
  rules: [],
  tls: [],
});

describe('classVerdict', () => {
  test.each([
    ['the field names our class', ingress('router'), [ours('router')], undefined],
    ['the annotation names our class', ingress(undefined, 'router'), [ours('router')], undefined],
    ['the annotation wins over the field', ingress('nginx', 'router'), [ours('router'), foreign('nginx')], undefined],
    ['the annotation wins over the field, either way', ingress('router', 'nginx'), [ours('router'), foreign('nginx')], 'its class nginx belongs to controller "k8s.io/ingress-nginx"'],
    ['a class without IngressClass', ingress('nobody'), [ours('router')], 'its class "nobody" has no IngressClass'],
    ['no class and no default class', ingress(undefined), [ours('router'), foreign('nginx')], undefined],
    ['no class and our class is the default', ingress(undefined), [ours('router', true), foreign('nginx')], undefined],
    ['no class and another controller\'s default', ingress(undefined), [ours('router'), foreign('nginx', true)], 'it names no class and the default IngressClass nginx is another controller\'s'],
  ])('%s', (_name, i, classes, why) => {
    const verdict = classVerdict(i, new Map(classes.map((c) => [c.name, c])), DEFAULT_CLASS_CONTROLLER);
    expect(verdict).toEqual(why === undefined ? { ours: true } : { ours: false, why });
  });

  test('the controller is the one the router is told', () => {
    const classes = new Map([['nginx', foreign('nginx')]]);
    expect(classVerdict(ingress('nginx'), classes, 'k8s.io/ingress-nginx')).toEqual({ ours: true });
  });
});
