import { istioProblems } from './support/istio-validate';

// The independent validators used by every construct test must themselves catch bad objects.
describe('independent Istio validation harness', () => {
  const virtualService = (spec: any) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'reviews' },
    spec,
  });

  test('accepts a valid VirtualService', () => {
    expect(istioProblems([virtualService({
      hosts: ['reviews'],
      http: [{ timeout: '7s', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 }] }],
    })])).toEqual([]);
  });

  test('reports a field the CRD does not define (strict field validation)', () => {
    const problems = istioProblems([virtualService({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', version: 'v1' } }] }] })]);
    expect(problems).toEqual([expect.stringMatching(/VirtualService\/reviews: CRD schema: \/spec\/http\/0\/route\/0\/destination must NOT have additional properties \(version\)/)]);
  });

  test('reports a CEL rule violation (duration under 1ms)', () => {
    const problems = istioProblems([virtualService({ hosts: ['reviews'], http: [{ timeout: '0.5ms', route: [{ destination: { host: 'reviews' } }] }] })]);
    expect(problems).toEqual([expect.stringMatching(/CEL rule failed at \/spec\/http\/0\/timeout/)]);
  });

  test('reports a type error found by @kubernetes-models/istio', () => {
    const problems = istioProblems([virtualService({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' }, weight: 'half' }] }] })]);
    expect(problems.some(p => /@kubernetes-models\/istio: .*weight must be integer/.test(p))).toBe(true);
  });

  test('ignores objects that are not Istio resources', () => {
    expect(istioProblems([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { bogus: true } }])).toEqual([]);
  });
});
