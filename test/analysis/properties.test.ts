import * as fc from 'fast-check';
import { findings, istio } from './fixtures';
import { LabelIndex, matches } from '../../src/analysis/labels';

const SEED = 20261130;
const labelMap = fc.dictionary(fc.constantFrom('app', 'version', 'tier', 'istio'), fc.constantFrom('a', 'b', 'v1', 'v2'), { maxKeys: 3 });

describe('analysis properties', () => {
  test('the label index selects exactly what a scan of every workload selects', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom('ns1', 'ns2'), labelMap), { maxLength: 30 }), fc.constantFrom('ns1', 'ns2'), labelMap, (items, namespace, selector) => {
      const index = new LabelIndex<number>();
      items.forEach(([ns, labels], i) => index.add(ns, labels, i));
      const expected = items.map((item, i) => [item, i] as const)
        .filter(([[ns, labels]]) => ns === namespace && matches({ matchLabels: selector, matchExpressions: [] }, labels)).map(([, i]) => i);
      expect(index.select(namespace, { matchLabels: selector, matchExpressions: [] }).sort((a, b) => a - b)).toEqual(expected);
    }), { seed: SEED, numRuns: 300 });
  });

  test('never crashes on objects of any shape, and reports only known codes', () => {
    const kinds = fc.constantFrom('VirtualService', 'DestinationRule', 'Gateway', 'Sidecar', 'ServiceEntry', 'AuthorizationPolicy', 'Telemetry', 'EnvoyFilter', 'PeerAuthentication');
    const spec = fc.dictionary(fc.constantFrom('hosts', 'http', 'host', 'subsets', 'servers', 'selector', 'gateways', 'trafficPolicy', 'tls', 'rules', 'configPatches', 'ports', 'workloadSelector', 'mtls'),
      fc.anything({ maxDepth: 3 }));
    fc.assert(fc.property(fc.array(fc.tuple(kinds, fc.string({ maxLength: 8 }), spec), { maxLength: 8 }), list => {
      const result = findings(list.map(([kind, name, s]) => istio(kind, name || 'x', 'shop', s)));
      for (const f of result) expect(f).toMatch(/^(IST\d{4}|CDK\d{4}) /);
    }), { seed: SEED, numRuns: 300 });
  });
});
