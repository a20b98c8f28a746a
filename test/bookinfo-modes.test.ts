import { Testing, Yaml } from 'cdk8s';
import { injectWorkload } from './support/inject';
import { expectValidManifests } from './support/istio-validate';
import { restrictedViolations } from './support/pod-security';
import { BookinfoMode, parseMode } from '../examples/bookinfo/bookinfo-ambient';
import { BookinfoIngress } from '../examples/bookinfo/bookinfo-gateway-api';
import { addBookinfoStack, BookinfoStackOptions } from '../examples/bookinfo/bookinfo-stack';
import { Scenario } from '../examples/bookinfo/scenarios';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';

function synth(options: BookinfoStackOptions) {
  const app = Testing.app();
  const stack = addBookinfoStack(app, options);
  const charts = [stack.crds, stack.controlPlane, stack.addons, stack.application];
  const byChart = charts.map(c => Testing.synth(c));
  return { app, stack, objects: byChart.flat(), controlPlane: byChart[1], application: byChart[3] };
}

const find = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata?.name === name);

describe('bookinfo in ambient mode (BOOKINFO_MODE=ambient)', () => {
  const { app, objects, controlPlane, application } = synth({ mode: BookinfoMode.AMBIENT });

  test('installs the ambient profile: istio-cni and ztunnel, no istio-ingressgateway', () => {
    const kinds = controlPlane.map(o => `${o.kind} ${o.metadata.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['DaemonSet istio-cni-node', 'DaemonSet ztunnel', 'Deployment istiod']));
    expect(kinds.filter(k => k.includes('ingressgateway'))).toEqual([]);
  });

  test('enrolls the namespace in ambient mode, under Pod Security restricted, without sidecar injection', () => {
    expect(find(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'istio.io/dataplane-mode': 'ambient',
    });
  });

  test('bookinfo\'s pods meet restricted as they are: ambient adds no container', () => {
    for (const d of application.filter(o => o.kind === 'Deployment')) {
      expect({ name: d.metadata.name, violations: restrictedViolations(d.spec.template) }).toEqual({ name: d.metadata.name, violations: [] });
    }
  });

  test('a waypoint serves reviews, and an HTTPRoute whose parent is the reviews Service splits it 90/10', () => {
    expect(find(application, 'Gateway', 'reviews-waypoint')).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'reviews-waypoint', namespace: 'bookinfo', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    });
    expect(find(application, 'Service', 'reviews').metadata.labels).toMatchObject({ 'istio.io/use-waypoint': 'reviews-waypoint' });
    expect(find(application, 'HTTPRoute', 'reviews').spec).toEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [{ backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }] }],
    });
    // the ingress is the Gateway API's
    expect(find(application, 'Gateway', 'bookinfo-gateway').spec.gatewayClassName).toEqual('istio');
  });

  test('a namespace-wide L4 policy for ztunnel, and an L7 policy the waypoint enforces for reviews', () => {
    expect(find(application, 'AuthorizationPolicy', 'bookinfo-l4').spec).toEqual({
      action: 'ALLOW',
      rules: [{ from: [{ source: { namespaces: ['bookinfo', 'istio-system'] } }] }, { to: [{ operation: { ports: ['80'] } }] }],
    });
    expect(find(application, 'AuthorizationPolicy', 'reviews-viewer').spec).toEqual({
      action: 'ALLOW',
      targetRefs: [{ group: '', kind: 'Service', name: 'reviews' }],
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }],
        to: [{ operation: { methods: ['GET'] } }],
      }],
    });
  });

  test('the mesh analysis finds nothing wrong', () => {
    expect(MeshAnalysis.analyze(app).map(m => m.toString())).toEqual([]);
  });

  test('everything passes the CRD schemas and Kubernetes validators', () => {
    expectValidManifests(objects.filter(o => o.kind !== 'CustomResourceDefinition'));
  });

  test('re-synth is byte-identical', () => {
    const again = synth({ mode: BookinfoMode.AMBIENT }).objects;
    expect(Yaml.stringify(...again)).toEqual(Yaml.stringify(...objects));
  });

  test('fails for the Istio ingress or another scenario', () => {
    expect(() => synth({ mode: BookinfoMode.AMBIENT, ingress: BookinfoIngress.ISTIO }))
      .toThrow(/BOOKINFO_INGRESS "istio" is invalid with BOOKINFO_MODE=ambient: the ambient profile has no istio-ingressgateway; use gateway-api/);
    expect(() => synth({ mode: BookinfoMode.AMBIENT, scenario: Scenario.ALL_V1 }))
      .toThrow(/BOOKINFO_SCENARIO "all-v1" is invalid with BOOKINFO_MODE=ambient/);
  });
});

describe('bookinfo with sidecars and istio-cni (BOOKINFO_MODE=sidecar-cni)', () => {
  const { app, objects, controlPlane, application } = synth({ mode: BookinfoMode.SIDECAR_CNI });

  test('the demo profile with istio-cni, and the namespace enforcing restricted', () => {
    expect(find(controlPlane, 'DaemonSet', 'istio-cni-node')).toBeDefined();
    expect(find(controlPlane, 'DaemonSet', 'ztunnel')).toBeUndefined();
    expect(find(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'istio-injection': 'enabled',
    });
  });

  test('every injected pod still meets restricted', () => {
    for (const d of application.filter(o => o.kind === 'Deployment')) {
      const pod = injectWorkload(controlPlane, d);
      expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-validation']);
      expect({ name: d.metadata.name, violations: restrictedViolations(pod) }).toEqual({ name: d.metadata.name, violations: [] });
    }
  });

  test('the mesh analysis finds nothing wrong', () => {
    expect(MeshAnalysis.analyze(app).map(m => m.toString())).toEqual([]);
  });
});

describe('bookinfo modes', () => {
  test('the default stays sidecar: demo profile, no istio-cni, injected pods get istio-init', () => {
    const { objects, controlPlane, application } = synth({});
    expect(find(controlPlane, 'DaemonSet', 'istio-cni-node')).toBeUndefined();
    expect(find(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    const pod = injectWorkload(controlPlane, application.find(o => o.kind === 'Deployment'));
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['istio-init']);
    expect(restrictedViolations(pod)).not.toEqual([]);
  });

  test('parseMode', () => {
    expect(parseMode(undefined, 'BOOKINFO_MODE')).toBe(BookinfoMode.SIDECAR);
    expect(parseMode('ambient', 'BOOKINFO_MODE')).toBe(BookinfoMode.AMBIENT);
    expect(() => parseMode('sidecarless', 'BOOKINFO_MODE')).toThrow(/BOOKINFO_MODE "sidecarless" is invalid: must be one of sidecar, sidecar-cni, ambient/);
  });
});
