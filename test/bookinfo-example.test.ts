import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { expectValidIstio } from './support/istio-validate';
import { addBookinfoStack, BookinfoStackOptions } from '../examples/bookinfo/bookinfo-stack';
import { parseScenario, Scenario, SCENARIOS } from '../examples/bookinfo/scenarios';

/** Synthesizes the main job into a fresh directory, as `npm run synth` does. */
function synthToDisk(options: BookinfoStackOptions = {}): { dir: string; files: Record<string, any[]> } {
  const dir = mkdtempSync(join(tmpdir(), 'bookinfo-'));
  const app = new App({ outdir: dir });
  addBookinfoStack(app, options);
  app.synth();
  const files: Record<string, any[]> = {};
  for (const file of readdirSync(dir).sort().filter(f => f.endsWith('.k8s.yaml'))) {
    files[file] = parseAllDocuments(readFileSync(join(dir, file), 'utf-8')).map(d => d.toJSON());
  }
  return { dir, files };
}

function synthObjects(options: BookinfoStackOptions = {}): any[] {
  const app = Testing.app();
  const stack = addBookinfoStack(app, options);
  return [stack.crds, stack.controlPlane, stack.addons, stack.application].flatMap(chart => Testing.synth(chart));
}

const byKindName = (objects: any[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata?.name === name);
const routesOf = (objects: any[], host: string) => byKindName(objects, 'VirtualService', host)?.spec.http;
const dest = (subset: string, host: string, weight?: number) => ({ destination: { host, subset }, ...(weight !== undefined ? { weight } : {}) });
const JASON = { headers: { 'end-user': { exact: 'jason' } } };

describe('bookinfo example: files and apply order', () => {
  const { dir, files } = synthToDisk();
  const names = Object.keys(files);

  test('writes four files whose names sort in apply order', () => {
    expect(names).toEqual([
      '00-istio-crds.k8s.yaml',
      '01-istio-control-plane.k8s.yaml',
      '02-istio-addons.k8s.yaml',
      '03-bookinfo.k8s.yaml',
    ]);
  });

  test('beside each file, a Markdown picture of its mesh', () => {
    expect(readdirSync(dir).sort().filter(f => !f.endsWith('.k8s.yaml'))).toEqual([
      '00-istio-crds.mesh.md', '01-istio-control-plane.mesh.md', '02-istio-addons.mesh.md', '03-bookinfo.mesh.md',
    ]);
    expect(readFileSync(join(dir, '03-bookinfo.mesh.md'), 'utf-8')).toContain('```mermaid\nflowchart LR\n');
  });

  test('the first file holds every CRD: the 15 Istio ones, and the Gateway API standard channel', () => {
    const all = files[names[0]];
    const crds = all.filter(o => o.kind === 'CustomResourceDefinition');
    // the Gateway API release also ships an admission policy that keeps older CRDs from replacing its own
    expect(all.filter(o => o.kind !== 'CustomResourceDefinition').map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io', 'ValidatingAdmissionPolicyBinding safe-upgrades.gateway.networking.k8s.io',
    ]);
    expect(crds.filter(o => o.spec.group === 'gateway.networking.k8s.io').map(o => o.spec.names.kind).sort()).toEqual([
      'BackendTLSPolicy', 'GRPCRoute', 'Gateway', 'GatewayClass', 'HTTPRoute', 'ListenerSet', 'ReferenceGrant', 'TLSRoute',
    ]);
    // ... and no other file has one
    expect(names.slice(1).flatMap(name => files[name]).filter(o => o.kind === 'CustomResourceDefinition')).toEqual([]);
    expect(crds.filter(o => o.spec.group !== 'gateway.networking.k8s.io').map(o => o.metadata.name).sort()).toEqual([
      'authorizationpolicies.security.istio.io', 'destinationrules.networking.istio.io', 'envoyfilters.networking.istio.io',
      'gateways.networking.istio.io', 'peerauthentications.security.istio.io', 'proxyconfigs.networking.istio.io',
      'requestauthentications.security.istio.io', 'serviceentries.networking.istio.io', 'sidecars.networking.istio.io',
      'telemetries.telemetry.istio.io', 'trafficextensions.extensions.istio.io', 'virtualservices.networking.istio.io',
      'wasmplugins.extensions.istio.io', 'workloadentries.networking.istio.io', 'workloadgroups.networking.istio.io',
    ]);
  });

  test('every namespace is created before anything is put in it', () => {
    const created = new Set<string>();
    for (const name of names) {
      for (const obj of files[name]) {
        if (obj.kind === 'Namespace') created.add(obj.metadata.name);
        const ns = obj.metadata.namespace;
        if (ns !== undefined) expect({ obj: `${obj.kind}/${obj.metadata.name}`, ns, created: created.has(ns) }).toEqual({ obj: `${obj.kind}/${obj.metadata.name}`, ns, created: true });
      }
    }
    expect([...created].sort()).toEqual(['bookinfo', 'istio-system']);
  });

  test('every custom resource comes after the CRD that defines it', () => {
    const defined = new Set<string>();
    for (const name of names) {
      for (const obj of files[name]) {
        if (obj.kind === 'CustomResourceDefinition') {
          for (const v of obj.spec.versions) defined.add(`${obj.spec.group}/${v.name}/${obj.spec.names.kind}`);
        } else if (obj.apiVersion.includes('.istio.io/')) {
          expect(defined.has(`${obj.apiVersion}/${obj.kind}`)).toBe(true);
        }
      }
    }
  });

  test('within the control plane, ServiceAccounts and ConfigMaps precede the Deployments that use them, and webhooks follow istiod', () => {
    const cp = files[names[1]];
    const index = (kind: string, name: string) => cp.findIndex(o => o.kind === kind && o.metadata.name === name);
    const istiod = index('Deployment', 'istiod');
    expect(istiod).toBeGreaterThan(index('ServiceAccount', 'istiod'));
    expect(istiod).toBeGreaterThan(index('ConfigMap', 'istio'));
    expect(istiod).toBeGreaterThan(index('ConfigMap', 'istio-sidecar-injector'));
    expect(index('MutatingWebhookConfiguration', 'istio-sidecar-injector')).toBeGreaterThan(istiod);
    expect(index('Namespace', 'bookinfo')).toBeGreaterThan(index('MutatingWebhookConfiguration', 'istio-sidecar-injector'));
  });

  test('re-synth is byte-identical', () => {
    const first = synthToDisk();
    const second = synthToDisk();
    const read = (d: string) => readdirSync(d).sort().map(f => [f, readFileSync(join(d, f), 'utf-8')]);
    expect(read(second.dir)).toEqual(read(first.dir));
  });

  test('every Istio object passes the independent validators', () => {
    expectValidIstio(Object.values(files).flat());
  });
});

describe('bookinfo example: objects', () => {
  const objects = synthObjects();

  test('the application namespace is labelled for sidecar injection', () => {
    expect(byKindName(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });

  test('the demo control plane and addons are part of the same synth', () => {
    for (const [kind, name] of [
      ['Deployment', 'istiod'], ['Deployment', 'istio-ingressgateway'], ['Deployment', 'istio-egressgateway'],
      ['Service', 'prometheus'], ['Service', 'grafana'], ['Service', 'tracing'], ['Service', 'kiali'],
    ]) {
      expect(byKindName(objects, kind, name)?.metadata.namespace).toBe('istio-system');
    }
  });

  test.each([
    ['details', ['v1'], []],
    ['ratings', ['v1'], []],
    ['reviews', ['v1', 'v2', 'v3'], [{ name: 'LOG_DIR', value: '/tmp/logs' }]],
    ['productpage', ['v1'], []],
  ])('%s: Service on 9080 named http, ServiceAccount, Deployments per version', (app, versions, env) => {
    const service = byKindName(objects, 'Service', app);
    expect(service.metadata).toEqual({ name: app, namespace: 'bookinfo', labels: { app, service: app } });
    expect(service.spec.ports).toEqual([{ port: 9080, name: 'http' }]);
    expect(service.spec.selector).toEqual({ app });
    expect(byKindName(objects, 'ServiceAccount', `bookinfo-${app}`).metadata.labels).toEqual({ account: app });

    for (const version of versions) {
      const deployment = byKindName(objects, 'Deployment', `${app}-${version}`);
      expect(deployment.spec.selector).toEqual({ matchLabels: { app, version } });
      const pod = deployment.spec.template;
      expect(pod.metadata.labels).toMatchObject({ app, version });
      expect(pod.spec.serviceAccountName).toBe(`bookinfo-${app}`);
      const [container] = pod.spec.containers;
      expect(container.image).toBe(`registry.istio.io/release/examples-bookinfo-${app}-${version}:1.20.3`);
      expect(container.ports).toEqual([{ containerPort: 9080, name: 'http' }]);
      expect(container.env ?? []).toEqual(env);
      // the restricted Pod Security Standard
      expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
      expect(container.volumeMounts.map((m: any) => m.mountPath)).toContain('/tmp');
    }
  });

  test('productpage is scraped by Prometheus', () => {
    expect(byKindName(objects, 'Deployment', 'productpage-v1').spec.template.metadata.annotations).toEqual({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '9080', 'prometheus.io/path': '/metrics',
    });
  });

  test('the Gateway selects the installed ingress gateway on its target port 8080 (Service port 80)', () => {
    expect(byKindName(objects, 'Gateway', 'bookinfo-gateway').spec).toEqual({
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      servers: [{ port: { number: 8080, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }],
    });
    // and those labels are the ingress gateway's pod labels
    expect(byKindName(objects, 'Deployment', 'istio-ingressgateway').spec.template.metadata.labels)
      .toMatchObject({ app: 'istio-ingressgateway', istio: 'ingressgateway' });
  });

  test('the ingress VirtualService routes the bookinfo paths to productpage:9080', () => {
    expect(byKindName(objects, 'VirtualService', 'bookinfo').spec).toEqual({
      hosts: ['*'],
      gateways: ['bookinfo-gateway'],
      http: [{
        match: [
          { uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } },
          { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } },
        ],
        route: [{ destination: { host: 'productpage', port: { number: 9080 } } }],
      }],
    });
  });

  test('DestinationRules have the subsets of the Deployments', () => {
    const subsets = (host: string) => byKindName(objects, 'DestinationRule', host).spec.subsets;
    expect(subsets('reviews')).toEqual(['v1', 'v2', 'v3'].map(v => ({ name: v, labels: { version: v } })));
    for (const host of ['details', 'ratings', 'productpage']) expect(subsets(host)).toEqual([{ name: 'v1', labels: { version: 'v1' } }]);
  });

  test('the default output makes the bookinfo namespace STRICT mutual TLS', () => {
    expect(objects.filter(o => o.kind === 'PeerAuthentication')).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'bookinfo' },
      spec: { mtls: { mode: 'STRICT' } },
    }]);
  });

  test('under STRICT, routing through the ingress gateway still works: every hop is mutual TLS', () => {
    // the workloads get sidecars: their namespace is injected, and no pod opts out
    expect(byKindName(objects, 'Namespace', 'bookinfo').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    for (const d of objects.filter(o => o.kind === 'Deployment' && o.metadata.namespace === 'bookinfo')) {
      expect(d.spec.template.metadata.labels['sidecar.istio.io/inject']).not.toEqual('false');
      expect(d.spec.template.metadata.annotations?.['sidecar.istio.io/inject']).not.toEqual('false');
    }
    // auto mTLS is on, and no DestinationRule overrides it with plain text or its own TLS
    expect(byKindName(objects, 'ConfigMap', 'istio').data.mesh).not.toMatch(/enableAutoMtls: false/);
    for (const rule of objects.filter(o => o.kind === 'DestinationRule')) {
      expect(JSON.stringify(rule.spec)).not.toContain('"tls"');
    }
    // no port of the routed services is left out of STRICT
    expect(JSON.stringify(objects.filter(o => o.kind === 'PeerAuthentication'))).not.toContain('portLevelMtls');
  });

  test('the default scenario has no per-service routing', () => {
    expect(objects.filter(o => o.kind === 'VirtualService').map(o => o.metadata.name)).toEqual(['bookinfo']);
  });

  test('another application namespace moves everything', () => {
    const shop = synthObjects({ namespace: 'shop' });
    expect(byKindName(shop, 'Namespace', 'shop').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
    expect(shop.filter(o => o.metadata.namespace === 'bookinfo')).toEqual([]);
    expect(byKindName(shop, 'Deployment', 'reviews-v2').metadata.namespace).toBe('shop');
  });
});

describe('bookinfo example: scenarios', () => {
  const all = Object.fromEntries(SCENARIOS.map(s => [s, synthObjects({ scenario: s as Scenario })]));
  const v1 = (host: string) => [{ route: [dest('v1', host)] }];

  test('all-v1 routes every service to v1', () => {
    for (const host of ['productpage', 'details', 'reviews', 'ratings']) expect(routesOf(all['all-v1'], host)).toEqual(v1(host));
  });

  test('jason-v2 sends end-user jason to reviews v2 and everyone else to v1', () => {
    expect(routesOf(all['jason-v2'], 'reviews')).toEqual([
      { match: [JASON], route: [dest('v2', 'reviews')] },
      { route: [dest('v1', 'reviews')] },
    ]);
  });

  test.each([
    ['reviews-50-v3', [dest('v1', 'reviews', 50), dest('v3', 'reviews', 50)]],
    ['reviews-80-20', [dest('v1', 'reviews', 80), dest('v2', 'reviews', 20)]],
    ['reviews-90-10', [dest('v1', 'reviews', 90), dest('v2', 'reviews', 10)]],
    ['reviews-v3', [dest('v3', 'reviews')]],
  ])('%s splits reviews by weight', (scenario, route) => {
    expect(routesOf(all[scenario], 'reviews')).toEqual([{ route }]);
    expect(routesOf(all[scenario], 'ratings')).toEqual(v1('ratings'));
  });

  test('ratings-delay injects a 7s delay for jason on ratings', () => {
    expect(routesOf(all['ratings-delay'], 'ratings')).toEqual([
      { match: [JASON], fault: { delay: { fixedDelay: '7s', percentage: { value: 100 } } }, route: [dest('v1', 'ratings')] },
      { route: [dest('v1', 'ratings')] },
    ]);
    expect(routesOf(all['ratings-delay'], 'reviews')).toEqual(routesOf(all['jason-v2'], 'reviews'));
  });

  test('ratings-abort returns HTTP 500 to jason from ratings', () => {
    expect(routesOf(all['ratings-abort'], 'ratings')).toEqual([
      { match: [JASON], fault: { abort: { httpStatus: 500, percentage: { value: 100 } } }, route: [dest('v1', 'ratings')] },
      { route: [dest('v1', 'ratings')] },
    ]);
  });

  test('every scenario but permissive makes the namespace STRICT', () => {
    for (const scenario of SCENARIOS.filter(sc => sc !== 'permissive')) {
      expect(all[scenario].filter(o => o.kind === 'PeerAuthentication')).toEqual([{
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'bookinfo' },
        spec: { mtls: { mode: 'STRICT' } },
      }]);
    }
  });

  test('permissive: the default routing, with PERMISSIVE mutual TLS for the namespace', () => {
    expect(all.permissive.filter(o => o.kind === 'PeerAuthentication')).toEqual([{
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'bookinfo' },
      spec: { mtls: { mode: 'PERMISSIVE' } },
    }]);
    const istio = (objects: any[]) => objects.filter(o => o.apiVersion.includes('.istio.io/') && o.kind !== 'PeerAuthentication');
    expect(istio(all.permissive)).toEqual(istio(all.default));
  });

  test('every scenario passes the independent validators', () => {
    expectValidIstio(SCENARIOS.flatMap(s => all[s].filter(o => o.apiVersion.includes('.istio.io/'))
      .map(o => ({ ...o, metadata: { ...o.metadata, name: `${s}-${o.metadata.name}` } }))));
  });

  test('fails for an unknown scenario, naming the valid ones', () => {
    expect(() => parseScenario('reviews-60-40', 'BOOKINFO_SCENARIO'))
      .toThrow(/BOOKINFO_SCENARIO "reviews-60-40" is invalid: must be one of default, all-v1, jason-v2, .*permissive/);
  });
});
