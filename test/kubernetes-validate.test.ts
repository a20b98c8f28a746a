import { Testing } from 'cdk8s';
import { expectValidManifests, manifestProblems } from './support/istio-validate';
import { addBookinfoStack } from '../examples/bookinfo/bookinfo-stack';
import { Scenario } from '../examples/bookinfo/scenarios';
import { KialiAuth, ObservabilityAddons } from '../src';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

// Every object the library writes, not only the Istio ones, passes the schemas of the
// Kubernetes OpenAPI (kubernetes-models): types, required fields and enum values.
describe('Kubernetes objects pass independent validation', () => {
  test('the harness reports an invalid Kubernetes object', () => {
    const problems = manifestProblems([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 'http' }] } }]);
    expect(problems).toEqual([expect.stringMatching(/Service\/x: kubernetes-models: .*port must be integer/)]);
  });

  test('the main job: CRDs, demo control plane, addons and bookinfo', () => {
    const app = Testing.app();
    const stack = addBookinfoStack(app, { scenario: Scenario.PERMISSIVE });
    expectValidManifests([stack.crds, stack.controlPlane, stack.addons, stack.application].flatMap(c => Testing.synth(c)));
  });

  test.each([Profile.DEFAULT, Profile.MINIMAL, Profile.EMPTY])('profile %s', profile => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'istio', { profile, syncWaves: true });
    expectValidManifests(Testing.synth(chart));
  });

  test('two revisions side by side with a revision tag, and every addon', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'stable', { revision: '1-29-0', tag: '1.29.0' });
    const canary = new IstioMesh(chart, 'canary', { revision: '1-30-3', ingressGateway: { enabled: false } });
    canary.addRevisionTag('prod-stable');
    canary.injectNamespace('shop', { revisionTag: 'prod-stable' });
    new ObservabilityAddons(chart, 'addons', {
      mesh: canary,
      prometheus: {},
      grafana: {},
      jaeger: { samplingPercentage: 1 },
      kiali: { auth: KialiAuth.anonymous() },
      loki: {},
      accessLogs: true,
    });
    expectValidManifests(Testing.synth(chart));
  });
});
