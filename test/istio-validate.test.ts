import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { istioProblems, manifestProblems } from './support/istio-validate';

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

  test('reads every CRD file of imports/crds: JSON, YAML and TypeScript modules, any group', () => {
    const crd = (group: string, kind: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.${group}` },
      spec: {
        group,
        names: { kind, plural: `${kind.toLowerCase()}s`, singular: kind.toLowerCase() },
        scope: 'Namespaced',
        versions: [{
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  'type': 'object',
                  'properties': { size: { type: 'integer' } },
                  'x-kubernetes-validations': [{ rule: '!has(self.size) || self.size < 10', message: 'size must be under 10' }],
                },
              },
            },
          },
        }],
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'crd-dir-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [crd('a.example.com', 'Apple')] }));
    writeFileSync(join(dir, 'b.yaml'), stringify(crd('b.example.com', 'Banana')));
    writeFileSync(join(dir, 'c.ts'), `export const CRDS: unknown[] = ${JSON.stringify([crd('c.example.com', 'Cherry')])};\n`);
    const object = (group: string, kind: string, spec: any) => ({ apiVersion: `${group}/v1`, kind, metadata: { name: 'x' }, spec });
    const previous = process.env.VALIDATE_CRD_DIR;
    process.env.VALIDATE_CRD_DIR = dir;
    try {
      expect(manifestProblems([
        object('a.example.com', 'Apple', { size: 1 }),
        object('b.example.com', 'Banana', { size: 2 }),
        object('c.example.com', 'Cherry', { size: 3 }),
      ])).toEqual([]);
      expect(manifestProblems([
        object('a.example.com', 'Apple', { colour: 'red' }),
        object('b.example.com', 'Banana', { size: 20 }),
        object('c.example.com', 'Cherry', { size: 'many' }),
      ])).toEqual([
        'Apple/x: CRD schema: /spec must NOT have additional properties (colour)',
        'Banana/x: CEL rule failed at /spec: size must be under 10',
        'Cherry/x: CRD schema: /spec/size must be integer',
        expect.stringMatching(/^Cherry\/x: CEL rule could not be evaluated at \/spec: /),
      ]);
    } finally {
      if (previous === undefined) delete process.env.VALIDATE_CRD_DIR;
      else process.env.VALIDATE_CRD_DIR = previous;
    }
  });
});
