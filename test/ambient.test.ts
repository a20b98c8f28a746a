import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { findings, istio, ns, svc, deploy, texts } from './analysis/fixtures';
import { expectValidManifests, manifestProblems } from './support/istio-validate';
import { MeshAnalysis } from '../src/analysis/mesh-analysis';
import { WaypointFor } from '../src/gateway-api/gateway';
import { HttpRoute } from '../src/gateway-api/http-route';
import { BackendRef, RouteParent } from '../src/gateway-api/references';
import { Waypoint } from '../src/gateway-api/waypoint';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';
import { AuthorizationAction, AuthorizationPolicy } from '../src/security/authorization-policy';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { RequestAuthentication } from '../src/security/request-authentication';
import { Telemetry } from '../src/telemetry/telemetry';

const objectOf = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);

function ambientMesh() {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', { profile: Profile.AMBIENT });
  return { chart, mesh };
}

function deployment(chart: any, name: string, namespace: string) {
  return new kplus.Deployment(chart, name, {
    metadata: { name, namespace },
    containers: [{ image: `example/${name}:1`, portNumber: 9080, securityContext: { ensureNonRoot: false } }],
  });
}

describe('ambient enrolment', () => {
  test('enrollNamespace labels the namespace istio.io/dataplane-mode=ambient; sidecar namespaces coexist', () => {
    const { chart, mesh } = ambientMesh();
    mesh.enrollNamespace('bookinfo', { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } });
    mesh.injectNamespace('legacy');
    const manifests = Testing.synth(chart);
    expect(objectOf(manifests, 'Namespace', 'bookinfo')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'bookinfo', labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'istio.io/dataplane-mode': 'ambient' } },
    });
    expect(objectOf(manifests, 'Namespace', 'legacy').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('enrollWorkload and excludeWorkload label the pods', () => {
    const { chart, mesh } = ambientMesh();
    mesh.enrollWorkload(deployment(chart, 'ratings', 'legacy'));
    mesh.excludeWorkload(deployment(chart, 'batch', 'bookinfo'));
    const manifests = Testing.synth(chart);
    expect(objectOf(manifests, 'Deployment', 'ratings').spec.template.metadata.labels['istio.io/dataplane-mode']).toEqual('ambient');
    expect(objectOf(manifests, 'Deployment', 'batch').spec.template.metadata.labels['istio.io/dataplane-mode']).toEqual('none');
  });

  test('fails to enroll in a mesh without ambient mode', () => {
    const mesh = new IstioMesh(Testing.chart(), 'Istio', { profile: Profile.DEMO });
    expect(() => mesh.enrollNamespace('bookinfo'))
      .toThrow(/test\/Istio: enrollNamespace\("bookinfo"\) "ambient" is invalid: this mesh does not run ambient mode \(profile "demo"\); use Profile.AMBIENT/);
  });

  test('fails for a namespace defined twice, and a workload enrolled and excluded', () => {
    const { chart, mesh } = ambientMesh();
    mesh.injectNamespace('bookinfo');
    expect(() => mesh.enrollNamespace('bookinfo')).toThrow(/test\/Istio: enrollNamespace\(name\) "bookinfo" is invalid: a Namespace with this name is already defined/);
    const d = deployment(chart, 'ratings', 'bookinfo');
    mesh.enrollWorkload(d);
    expect(() => mesh.excludeWorkload(d)).toThrow(/test\/Istio: istio.io\/dataplane-mode of test\/ratings "none" is invalid: the workload's pods are already labelled istio.io\/dataplane-mode=ambient/);
  });
});

describe('Waypoint', () => {
  test('renders what istioctl waypoint generate writes: class istio-waypoint, HBONE listener on 15008', () => {
    const chart = Testing.chart();
    new Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'bookinfo' } });
    const manifests = Testing.synth(chart);
    expect(manifests).toEqual([{
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'bookinfo', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    }]);
    expectValidManifests(manifests);
  });

  test('useFor* label the namespace, Service and workload; another namespace adds istio.io/use-waypoint-namespace', () => {
    const { chart, mesh } = ambientMesh();
    const namespace = mesh.enrollNamespace('bookinfo');
    const waypoint = new Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'bookinfo' }, waypointFor: WaypointFor.ALL });
    const reviews = new kplus.Service(chart, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    const remote = new kplus.Service(chart, 'remote', { metadata: { name: 'remote', namespace: 'shop' }, ports: [{ port: 9080 }] });
    const ratings = deployment(chart, 'ratings', 'bookinfo');
    waypoint.useForNamespace(namespace);
    waypoint.useForService(reviews);
    waypoint.useForService(remote);
    waypoint.useForWorkload(ratings);
    waypoint.useForService(reviews); // the same waypoint again: nothing changes
    const manifests = Testing.synth(chart);
    expect(objectOf(manifests, 'Gateway', 'waypoint').metadata.labels).toEqual({ 'istio.io/waypoint-for': 'all' });
    expect(objectOf(manifests, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(objectOf(manifests, 'Service', 'reviews').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint' });
    expect(objectOf(manifests, 'Service', 'remote').metadata.labels).toEqual({ 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': 'bookinfo' });
    expect(objectOf(manifests, 'Deployment', 'ratings').spec.template.metadata.labels['istio.io/use-waypoint']).toEqual('waypoint');
  });

  test('policies attach to a Waypoint or a Service as objects', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'waypoint', { metadata: { name: 'reviews-waypoint', namespace: 'bookinfo' } });
    const reviews = new kplus.Service(chart, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    new AuthorizationPolicy(chart, 'ap', {
      metadata: { name: 'reviews-get', namespace: 'bookinfo' },
      targetRefs: [PolicyTargetReference.fromWaypoint(waypoint), PolicyTargetReference.fromService(reviews)],
      action: AuthorizationAction.ALLOW,
      rules: [{ to: [{ methods: ['GET'] }] }],
    });
    new RequestAuthentication(chart, 'ra', {
      metadata: { name: 'reviews-jwt', namespace: 'bookinfo' },
      targetRefs: [PolicyTargetReference.fromWaypoint(waypoint)],
      jwtRules: [{ issuer: 'https://issuer.example.com' }],
    });
    new Telemetry(chart, 'telemetry', {
      metadata: { name: 'reviews-logs', namespace: 'bookinfo' },
      targetRefs: [PolicyTargetReference.fromGatewayObject(waypoint)],
      accessLogging: [{ providers: ['envoy'] }],
    });
    const manifests = Testing.synth(chart);
    for (const kind of ['RequestAuthentication', 'Telemetry']) {
      expect(manifests.find(m => m.kind === kind).spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'reviews-waypoint' }]);
    }
    expect(objectOf(manifests, 'AuthorizationPolicy', 'reviews-get').spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'reviews-waypoint' },
      { group: '', kind: 'Service', name: 'reviews' },
    ]);
    expectValidManifests(manifests);
  });

  test('fails for a policy in another namespace than its waypoint', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'bookinfo' } });
    expect(() => {
      new RequestAuthentication(chart, 'ra', { metadata: { name: 'jwt', namespace: 'shop' }, targetRefs: [PolicyTargetReference.fromWaypoint(waypoint)] });
      Testing.synth(chart);
    }).toThrow(/cross-namespace targetRefs; the Gateway "waypoint" must be in the policy's namespace "shop"/);
  });

  test('fails for a workload on a service-only waypoint, and for a second waypoint on one Service', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'bookinfo' } });
    const other = new Waypoint(chart, 'other', { metadata: { name: 'other', namespace: 'bookinfo' } });
    expect(() => waypoint.useForWorkload(deployment(chart, 'ratings', 'bookinfo')))
      .toThrow(/test\/waypoint: useForWorkload\(workload\) "test\/ratings" is invalid: this waypoint handles service traffic only/);
    const reviews = new kplus.Service(chart, 'reviews', { metadata: { name: 'reviews', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    waypoint.useForService(reviews);
    expect(() => other.useForService(reviews)).toThrow(/test\/other: useWaypoint "Service reviews" is invalid: it already uses waypoint "waypoint"/);
  });

  test('fails for a non-Namespace object', () => {
    const chart = Testing.chart();
    const waypoint = new Waypoint(chart, 'waypoint', { metadata: { name: 'waypoint', namespace: 'bookinfo' } });
    const svcObj = new kplus.Service(chart, 'reviews', { ports: [{ port: 9080 }] });
    expect(() => waypoint.useForNamespace(ApiObject.of(svcObj))).toThrow(/test\/waypoint: useForNamespace\(namespace\) .* is invalid: must be a Namespace ApiObject/);
  });

  test('properties (fast-check, seed 20261130): any name, namespace and traffic type synthesizes a valid Gateway or throws with the path', () => {
    const name = fc.oneof({ arbitrary: fc.constantFrom('waypoint', 'reviews-waypoint', 'a'), weight: 6 }, { arbitrary: fc.string({ maxLength: 10 }), weight: 1 });
    const emitted: any[] = [];
    fc.assert(fc.property(name, name, fc.constantFrom(...Object.values(WaypointFor), 'sometimes' as WaypointFor), (n, namespace, waypointFor) => {
      const chart = Testing.chart();
      try {
        new Waypoint(chart, 'x', { metadata: { name: n, namespace }, waypointFor });
        emitted.push(...Testing.synth(chart));
      } catch (e) {
        if (!(e instanceof Error) || e instanceof TypeError || !/test\/x\b/.test(e.message)) throw e;
      }
    }), { seed: 20261130, numRuns: 80 });
    expect(emitted.length).toBeGreaterThan(0);
    expect(manifestProblems(emitted)).toEqual([]);
  });
});

describe('ambient analysis', () => {
  const ambientNs = (labels: Record<string, string> = {}) => ns('shop', { 'istio.io/dataplane-mode': 'ambient', ...labels });
  const app = (labels: Record<string, string> = {}, serviceLabels: Record<string, string> = {}) => [
    ambientNs(labels),
    { ...svc('reviews', 'shop', { app: 'reviews' }), metadata: { name: 'reviews', namespace: 'shop', labels: serviceLabels } },
    deploy('reviews-v1', 'shop', { app: 'reviews', version: 'v1' }),
  ];
  const policy = (spec: Record<string, any>, name = 'p') => istio('AuthorizationPolicy', name, 'shop', spec);
  const l7 = { selector: { matchLabels: { app: 'reviews' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] };

  test('CDK0005: L7 rules on a workload selector in an ambient namespace without a waypoint', () => {
    expect(findings([...app(), policy(l7)])).toEqual(['CDK0005 AuthorizationPolicy shop/p']);
    expect(texts([...app(), policy(l7)], 'CDK0005')[0]).toMatch(
      /AuthorizationPolicy selects workloads of ambient namespace "shop", where ztunnel enforces it at L4, but uses L7 attributes \(rules\[0\]\.to\[0\]\.operation\.methods\): ztunnel never matches those rules.*deploy a waypoint/);
    const deny = policy({ action: 'DENY', rules: [{ from: [{ source: { requestPrincipals: ['*'] } }], when: [{ key: 'request.headers[x]', values: ['1'] }] }] });
    expect(texts([...app(), deny], 'CDK0005')[0]).toMatch(/applies to every workload.*rules\[0\]\.from\[0\]\.source\.requestPrincipals, rules\[0\]\.when\[0\] \(request\.headers\[x\]\)\): ztunnel denies all traffic/);
  });

  test('CDK0005: quiet for L4 rules, for targetRefs, and outside ambient namespaces; a RequestAuthentication on a selector is flagged', () => {
    const l4 = policy({ rules: [{ from: [{ source: { namespaces: ['shop'], principals: ['cluster.local/ns/shop/sa/x'] } }], to: [{ operation: { ports: ['9080'] } }], when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }] });
    expect(findings([...app(), l4])).toEqual([]);
    const attached = policy({ targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }], rules: l7.rules });
    expect(findings([...app({}, { 'istio.io/use-waypoint': 'waypoint' }), attached])).toEqual([]);
    const sidecarNs = [ns('shop'), ...app().slice(1)];
    expect(findings([...sidecarNs, policy(l7)])).toEqual([]);
    const gatewayPolicy = policy({ ...l7, selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'ingress' } } });
    // (istioctl's IST0127: the gateway's pods are istiod's, not in the objects)
    expect(findings([...app(), gatewayPolicy])).toEqual(['IST0127 AuthorizationPolicy shop/p']);
    const sidecarPods = [...app().slice(0, 2), deploy('reviews-v1', 'shop', { 'app': 'reviews', 'sidecar.istio.io/inject': 'true' })];
    expect(findings([...sidecarPods, policy(l7)])).toEqual([]);
    const ra = istio('RequestAuthentication', 'jwt', 'shop', { selector: { matchLabels: { app: 'reviews' } }, jwtRules: [{ issuer: 'https://example.com' }] });
    expect(findings([...app(), ra])).toEqual(['CDK0005 RequestAuthentication shop/jwt']);
  });

  test('CDK0005 suggests the namespace\'s waypoint when there is one', () => {
    const waypoint = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'wp', namespace: 'shop' }, spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] } };
    expect(texts([...app(), waypoint, policy(l7)], 'CDK0005')[0]).toMatch(/attach it to waypoint "wp" with targetRefs/);
  });

  test('CDK0006: a policy or route attached to a Service no waypoint serves; quiet once the Service or namespace uses one', () => {
    const attached = policy({ targetRefs: [{ kind: 'Service', group: '', name: 'reviews' }], rules: l7.rules });
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'reviews', namespace: 'shop' },
      spec: { parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }], rules: [{ backendRefs: [{ name: 'reviews', port: 9080 }] }] },
    };
    expect(findings([...app(), attached, route])).toEqual(['CDK0006 AuthorizationPolicy shop/p', 'CDK0006 HTTPRoute shop/reviews']);
    expect(findings([...app({}, { 'istio.io/use-waypoint': 'wp' }), attached, route])).toEqual([]);
    expect(findings([...app({ 'istio.io/use-waypoint': 'wp' }), attached, route])).toEqual([]);
  });

  test('the mesh reports them at synthesis of an app', () => {
    const { chart, mesh } = ambientMesh();
    mesh.enrollNamespace('bookinfo');
    const ratings = deployment(chart, 'ratings', 'bookinfo');
    const service = new kplus.Service(chart, 'ratings-svc', { metadata: { name: 'ratings', namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
    service.selectLabel('app', 'ratings');
    new AuthorizationPolicy(chart, 'ap', {
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      targetRefs: [PolicyTargetReference.fromService(service)],
      rules: [{ to: [{ methods: ['GET'] }] }],
    });
    new HttpRoute(chart, 'route', {
      metadata: { name: 'ratings', namespace: 'bookinfo' },
      parents: [RouteParent.fromService(service)],
      rules: [{ backendRefs: [BackendRef.fromService(service)] }],
    });
    expect(ratings).toBeDefined();
    const messages = MeshAnalysis.analyze(chart);
    expect(messages.filter(m => m.code.startsWith('CDK')).map(m => `${m.code} ${m.resource}`)).toEqual([
      'CDK0006 AuthorizationPolicy bookinfo/ratings',
      'CDK0006 HTTPRoute bookinfo/ratings',
    ]);
  });
});
