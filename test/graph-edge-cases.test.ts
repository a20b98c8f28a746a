/**
 * The mesh graph of hand-made meshes: delegate VirtualServices, exportTo, cross-namespace
 * Gateways, wildcard hosts, route labels, the security overlay, findings, splitting, the
 * renderers, synthesis and the command.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { Destination, Gateway, GatewaySelector, MeshGraph, MeshGraphSplit, PortProtocol, VirtualService } from '../src';
import { edgeLines, graphOf, nodeNamed, routesFrom } from './support/graph-helpers';
import { MeshModel } from '../src/analysis/model';
import { buildGraph } from '../src/graph/build';
import { runGraphCommand } from '../src/graph/command';
import { renderDot } from '../src/graph/dot';
import { mermaidText, renderMermaid } from '../src/graph/mermaid';
import { split } from '../src/graph/split';

const meta = (name: string, namespace: string) => ({ name, namespace });
const deployment = (name: string, namespace: string, labels: Record<string, string>, sa?: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(name, namespace),
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: sa, containers: [{ name: 'app', image: 'app' }] } } },
});
const service = (name: string, namespace: string, selector: Record<string, string>, port = 80) => ({
  apiVersion: 'v1', kind: 'Service', metadata: meta(name, namespace), spec: { selector, ports: [{ name: 'http', port }] },
});
const gateway = (name: string, namespace: string, hosts: string[]) => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: meta(name, namespace),
  spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts }] },
});
const vs = (name: string, namespace: string, spec: any) => ({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta(name, namespace), spec });

const shop = [
  deployment('web', 'shop', { app: 'web' }, 'web'),
  service('web', 'shop', { app: 'web' }),
  deployment('api-v1', 'shop', { app: 'api', version: 'v1' }, 'api'),
  deployment('api-v2', 'shop', { app: 'api', version: 'v2' }, 'api'),
  service('api', 'shop', { app: 'api' }),
];

describe('delegate VirtualServices', () => {
  const graph = graphOf([
    ...shop,
    gateway('public', 'istio-system', ['*/shop.example.com']),
    vs('root', 'istio-system', {
      hosts: ['shop.example.com'],
      gateways: ['public'],
      http: [{ match: [{ uri: { prefix: '/api' } }], delegate: { name: 'api-routes', namespace: 'shop' } }, { route: [{ destination: { host: 'web.shop.svc.cluster.local' } }] }],
    }),
    vs('api-routes', 'shop', { http: [{ route: [{ destination: { host: 'api' } }] }] }),
  ]);

  test('the root routes to the delegate, which routes to the Service; only the root is bound', () => {
    expect(edgeLines(graph, 'delegate')).toEqual(['VirtualService istio-system/root -> VirtualService shop/api-routes: uri prefix /api | delegate']);
    expect(routesFrom(graph, 'shop/api-routes')).toEqual(['Service shop/api']);
    expect(routesFrom(graph, 'istio-system/root')).toEqual(['Service shop/web: otherwise']);
    expect(edgeLines(graph, 'bind')).toEqual(['Gateway istio-system/public -> VirtualService istio-system/root: shop.example.com']);
    expect(nodeNamed(graph, 'VirtualService shop/api-routes').label).toEqual(['VirtualService shop/api-routes', 'delegate']);
  });

  test('a delegate that does not exist is a missing node', () => {
    const g = graphOf([...shop, vs('root', 'shop', { hosts: ['web'], http: [{ delegate: { name: 'nope' } }] })]);
    expect(edgeLines(g, 'delegate')).toEqual(['VirtualService shop/root -> VirtualService shop/nope: delegate']);
    expect(nodeNamed(g, 'VirtualService shop/nope').kind).toBe('missing');
  });
});

describe('exportTo and cross-namespace Gateways', () => {
  const objects = [
    ...shop,
    gateway('shared', 'istio-system', ['shop/shop.example.com', 'shop/api.example.com', './admin.example.com']),
    vs('public', 'shop', { hosts: ['shop.example.com'], gateways: ['istio-system/shared'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
    vs('private', 'shop', { hosts: ['api.example.com'], gateways: ['istio-system/shared'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'api' } }] }] }),
    vs('admin', 'shop', { hosts: ['admin.example.com'], gateways: ['istio-system/shared'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
    vs('api', 'shop', { hosts: ['api'], exportTo: ['.'], http: [{ route: [{ destination: { host: 'api' } }] }] }),
  ];
  const graph = graphOf(objects);

  test('a Gateway in another namespace applies the VirtualServices its server hosts admit, exported to it', () => {
    // private is exported to shop only; admin.example.com is admitted for istio-system's own VirtualServices only
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('Gateway'))).toEqual(['Gateway istio-system/shared -> VirtualService shop/public: shop.example.com']);
  });

  test('a mesh VirtualService exported to its namespace says from where it applies', () => {
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('mesh'))).toEqual(['mesh -> VirtualService shop/api: api | from shop only']);
  });

  test('the analysis finding about the admin host is marked on its VirtualService', () => {
    expect(nodeNamed(graph, 'VirtualService shop/admin').findings.map(f => f.code)).toEqual(['IST0132']);
  });
});

describe('wildcard hosts', () => {
  const graph = graphOf([
    ...shop,
    gateway('public', 'shop', ['*.example.com']),
    { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: meta('wikipedia', 'shop'), spec: { hosts: ['*.wikipedia.org'], location: 'MESH_EXTERNAL', resolution: 'NONE', ports: [{ number: 443, name: 'tls', protocol: 'TLS' }] } },
    vs('store', 'shop', { hosts: ['store.example.com', 'www.example.com'], gateways: ['public'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
    vs('wiki', 'shop', { hosts: ['en.wikipedia.org'], tls: [{ match: [{ port: 443, sniHosts: ['en.wikipedia.org'] }], route: [{ destination: { host: 'en.wikipedia.org' } }] }] }),
  ]);

  test('a wildcard server host admits the VirtualService hosts it covers', () => {
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('Gateway'))).toEqual(['Gateway shop/public -> VirtualService shop/store: store.example.com www.example.com']);
    expect(nodeNamed(graph, 'Gateway shop/public').label[1]).toBe(':80 HTTP *.example.com');
  });

  test('a host a wildcard ServiceEntry covers leads to that ServiceEntry', () => {
    expect(routesFrom(graph, 'shop/wiki')).toEqual(['ServiceEntry shop/wikipedia: TLS | port 443, sni en.wikipedia.org']);
    expect(nodeNamed(graph, 'ServiceEntry shop/wikipedia').label).toEqual(['ServiceEntry shop/wikipedia', '*.wikipedia.org', 'MESH_EXTERNAL']);
  });
});

describe('route labels', () => {
  const graph = graphOf([
    ...shop,
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta('api', 'shop'), spec: { host: 'api', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } },
    vs('api', 'shop', {
      hosts: ['api'],
      http: [
        { name: 'legacy', match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new', redirectCode: 302 } },
        {
          match: [{ method: { exact: 'GET' }, headers: { 'x-canary': { regex: 'yes|true' } } }],
          route: [{ destination: { host: 'api', subset: 'v1' }, weight: 1 }, { destination: { host: 'api', subset: 'v2' }, weight: 3 }],
          mirror: { host: 'web' },
          mirrorPercentage: { value: 5 },
          timeout: '2s',
          retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx' },
          rewrite: { uri: '/v2' },
        },
        { route: [{ destination: { host: 'api', subset: 'v9' } }] },
      ],
    }),
  ]);

  test('match, relative weight, timeout, retries and rewrite are on the route edge', () => {
    expect(routesFrom(graph, 'shop/api')).toEqual([
      'redirect 302: legacy: | uri = /old',
      'shop/api subset v1: method = GET, header x-canary ~ yes|true | 25% | timeout 2s | retries 3 × 500ms on 5xx | rewrite uri /v2',
      'shop/api subset v2: method = GET, header x-canary ~ yes|true | 75% | timeout 2s | retries 3 × 500ms on 5xx | rewrite uri /v2',
      'shop/api subset v9: otherwise',
    ]);
    expect(nodeNamed(graph, 'redirect 302').label).toEqual(['redirect 302', 'to /new']);
  });

  test('a mirror is its own dashed edge with its percentage', () => {
    expect(edgeLines(graph, 'mirror')).toEqual(['VirtualService shop/api -> Service shop/web: mirror 5%']);
    expect(renderMermaid(graph)).toContain('vs_shop_api -.->|"mirror 5%"| svc_shop_web');
  });

  test('a subset no DestinationRule defines is marked, on the edge, with the analysis error', () => {
    const edge = graph.edges.find(e => e.to === 'subset_shop_api_v9')!;
    expect(edge.findings.map(f => `${f.level} ${f.code}`)).toEqual(['Error IST0101']);
    expect(nodeNamed(graph, 'shop/api subset v9').label).toEqual(['shop/api subset v9', 'no DestinationRule defines it']);
    expect(renderMermaid(graph)).toMatch(/vs_shop_api -->\|"otherwise<br\/>⚠ Error IST0101"\| subset_shop_api_v9/);
    expect(renderMermaid(graph)).toMatch(/linkStyle \d+ stroke:#d93025,stroke-width:3px/);
  });

  test('a host that does not exist is a missing node, marked', () => {
    const g = graphOf([...shop, vs('web', 'shop', { hosts: ['web'], http: [{ fault: { abort: { httpStatus: 503, percentage: { value: 10 } } }, route: [{ destination: { host: 'nowhere' } }] }] })]);
    expect(routesFrom(g, 'shop/web')).toEqual(['host nowhere: fault: abort HTTP 503 for 10%']);
    expect(g.edges.find(e => e.kind === 'route')!.findings.map(f => f.code)).toEqual(['IST0101']);
  });
});

describe('security overlay', () => {
  const graph = graphOf([
    ...shop,
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('default', 'istio-system'), spec: { mtls: { mode: 'STRICT' } } },
    { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: meta('api', 'shop'), spec: { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } } },
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('deny-all', 'shop'), spec: {} },
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('web-to-api', 'shop'), spec: { selector: { matchLabels: { app: 'api' } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/items*'] } }] }] } },
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: meta('no-legacy', 'shop'), spec: { selector: { matchLabels: { app: 'web' } }, action: 'DENY', rules: [{ from: [{ source: { namespaces: ['legacy'] } }] }] } },
  ]);

  test('the effective mTLS mode: mesh-wide STRICT, a workload policy that inherits it, with a port-level mode', () => {
    expect(nodeNamed(graph, 'Deployment shop/api-v1').label).toEqual(['Deployment shop/api-v1', 'mTLS STRICT, port 8080 PERMISSIVE', 'sa api']);
    expect(nodeNamed(graph, 'Deployment shop/web').label).toEqual(['Deployment shop/web', 'mTLS STRICT', 'sa web']);
  });

  test('a namespace with an empty ALLOW policy is default-deny', () => {
    expect(graph.namespaces.find(n => n.name === 'shop')).toEqual({ name: 'shop', mtls: 'STRICT', defaultDeny: true });
    expect(renderMermaid(graph)).toContain('namespace shop · mTLS STRICT · default-deny');
    expect(edgeLines(graph, 'deny')).toContain('any source -> every workload of shop: DENY ALL deny-all');
  });

  test('ALLOW and DENY edges go from the principals to the workloads', () => {
    expect(edgeLines(graph, 'allow')).toEqual([
      'ServiceAccount shop/web -> Deployment shop/api-v1: ALLOW web-to-api | GET /items*',
      'ServiceAccount shop/web -> Deployment shop/api-v2: ALLOW web-to-api | GET /items*',
    ]);
    expect(edgeLines(graph, 'deny')).toContain('namespace legacy -> Deployment shop/web: DENY no-legacy');
  });
});

describe('big meshes', () => {
  const objects = ['a', 'b', 'c'].flatMap(ns => [
    ...shop.map(o => ({ ...o, metadata: { ...o.metadata, namespace: ns } })),
    gateway('gw', ns, [`${ns}.example.com`]),
    vs('web', ns, { hosts: [`${ns}.example.com`], gateways: ['gw'], http: [{ route: [{ destination: { host: 'web' } }] }] }),
  ]);
  const graph = graphOf(objects);

  test('AUTO keeps a small mesh whole and cuts a big one per namespace', () => {
    expect(split(graph, MeshGraphSplit.AUTO).length).toBe(1);
    expect(split(graph, MeshGraphSplit.AUTO, 10).map(g => g.title)).toEqual(['test: namespace a', 'test: namespace b', 'test: namespace c']);
    expect(split(graph, MeshGraphSplit.NAMESPACE)[1].nodes.every(n => n.namespace === 'b')).toBe(true);
  });

  test('AUTO cuts a namespace still too big along what is connected', () => {
    const many = graphOf(Array.from({ length: 6 }, (_, i) => [
      deployment(`app${i}`, 'big', { app: `app${i}` }), service(`app${i}`, 'big', { app: `app${i}` }),
      vs(`app${i}`, 'big', { hosts: [`app${i}`], http: [{ route: [{ destination: { host: `app${i}` } }] }] }),
    ]).flat());
    const parts = split(many, MeshGraphSplit.AUTO, 7);
    expect(parts.map(p => p.title)).toEqual(['test: namespace big (1/3)', 'test: namespace big (2/3)', 'test: namespace big (3/3)']);
    // each VirtualService, Service and workload is in exactly one diagram, with its edges
    const own = parts.flatMap(p => p.nodes.filter(n => n.kind !== 'mesh').map(n => n.label[0]));
    expect(own.sort()).toEqual(many.nodes.filter(n => n.kind !== 'mesh').map(n => n.label[0]).sort());
    expect(parts.flatMap(p => p.edges).length).toBe(many.edges.length);
  });

  test('per ingress host: what a request to each host can reach', () => {
    const parts = split(graph, MeshGraphSplit.INGRESS_HOST);
    expect(parts.map(g => g.title)).toEqual([
      'test: ingress host a.example.com', 'test: ingress host b.example.com', 'test: ingress host c.example.com', 'test: not reached from a Gateway or the mesh',
    ]);
    expect(parts[0].nodes.map(n => n.label[0])).toEqual(['Gateway a/gw', 'VirtualService a/web', 'Service a/web', 'Deployment a/web']);
  });
});

describe('renderers', () => {
  const graph = graphOf([...shop, vs('web', 'shop', { hosts: ['web'], http: [{ match: [{ headers: { 'x-user': { exact: 'say "hi" <b>#1' } } }], route: [{ destination: { host: 'web' } }] }] })]);

  test('Mermaid labels escape quotes, angle brackets and #', () => {
    expect(renderMermaid(graph)).toContain('|"header x-user = say #quot;hi#quot; #lt;b#gt;#35;1"|');
  });

  test('DOT: clusters per namespace, escaped labels', () => {
    const dot = renderDot(graph);
    expect(dot).toMatch(/^digraph "test" \{/);
    expect(dot).toContain('label="namespace shop · mTLS PERMISSIVE";');
    expect(dot).toContain('vs_shop_web -> svc_shop_web [label="header x-user = say \\"hi\\" <b>#1"];');
  });
});

describe('synthesis', () => {
  function synth(configure?: (app: App) => void): Record<string, string> {
    const dir = mkdtempSync(join(tmpdir(), 'graph-'));
    const app = new App({ outdir: dir });
    const chart = new Chart(app, 'web');
    const web = new kplus.Deployment(chart, 'web', { podMetadata: { labels: { app: 'web' } }, containers: [{ image: 'web', portNumber: 8080 }] });
    const svc = web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080, name: 'http' }] });
    const db = new kplus.Deployment(chart, 'db', { podMetadata: { labels: { app: 'db' } }, containers: [{ image: 'db', portNumber: 5432 }] });
    db.exposeViaService({ name: 'db', ports: [{ port: 5432, name: 'tcp' }] });
    const gw = new Gateway(chart, 'gw', { metadata: { name: 'web' }, selector: GatewaySelector.fromLabels({ istio: 'ingressgateway' }), servers: [{ port: { number: 8080, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] }] });
    new VirtualService(chart, 'vs', { metadata: { name: 'web' }, hosts: ['*'], gateways: [gw], http: [{ route: [{ destination: Destination.fromService(svc) }] }] });
    configure?.(app);
    app.synth();
    return Object.fromEntries(readdirSync(dir).sort().map(f => [f, readFileSync(join(dir, f), 'utf-8')]));
  }

  test('App.synth() writes a Markdown file with the Mermaid picture next to each chart\'s YAML', () => {
    const files = synth();
    expect(Object.keys(files)).toEqual(['web.k8s.yaml', 'web.mesh.md']);
    expect(files['web.mesh.md']).toContain('```mermaid\nflowchart LR\n');
    expect(files['web.mesh.md']).toContain('gw_default_web ==>|"*"| vs_default_web');
  });

  test('MeshGraph.disable() and CDK8S_ISTIO_GRAPH=off turn it off', () => {
    expect(Object.keys(synth(app => MeshGraph.disable(app)))).toEqual(['web.k8s.yaml']);
    process.env.CDK8S_ISTIO_GRAPH = 'off';
    try {
      expect(Object.keys(synth())).toEqual(['web.k8s.yaml']);
    } finally {
      delete process.env.CDK8S_ISTIO_GRAPH;
    }
  });

  test('MeshGraph.configure() splits per ingress host', () => {
    const md = synth(app => MeshGraph.configure(app, { split: MeshGraphSplit.INGRESS_HOST }))['web.mesh.md'];
    expect(md.match(/^## .*$/gm)).toEqual(['## web: ingress host *', '## web: not reached from a Gateway or the mesh']);
    expect(md.match(/```mermaid/g)?.length).toBe(2);
  });

  test('at synthesis a host the app does not define is drawn as defined elsewhere, not as an error', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'graph-')) });
    const chart = new Chart(app, 'web');
    new VirtualService(chart, 'vs', { metadata: { name: 'pay' }, hosts: ['payments'], http: [{ route: [{ destination: Destination.fromHost('payments.billing.svc.cluster.local') }] }] });
    const md = MeshGraph.render(app)['web.mesh.md'];
    expect(md).toContain('vs_default_pay --> missing_payments_billing_svc_cluster_local_');
    expect(md).toContain('[/"host payments.billing.svc.cluster.local<br/>defined outside this app"/]');
    expect(md).not.toContain('not found');
  });

  test('fails for a maxNodes that is not a positive integer', () => {
    expect(() => MeshGraph.configure(new App(), { maxNodes: 0 })).toThrow(/maxNodes 0 is invalid: must be a positive integer/);
  });
});

describe('cdk8s-istio graph', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-cli-'));
  writeFileSync(join(dir, 'shop.yaml'), [...shop, vs('api', 'shop', { hosts: ['api'], http: [{ route: [{ destination: { host: 'api' } }] }] })]
    .map(o => JSON.stringify(o)).join('\n---\n'));
  const run = (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = runGraphCommand(argv, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
    return { code, stdout, stderr };
  };

  test('draws Mermaid by default, DOT and JSON on request', () => {
    expect(run(dir).stdout).toContain('mesh ==>|"api"| vs_shop_api');
    expect(run('--format', 'dot', dir).stdout).toContain('mesh -> vs_shop_api [label="api", penwidth=2];');
    expect(JSON.parse(run('--format=json', dir).stdout).edges.map((e: any) => e.kind)).toContain('route');
  });

  test('fails with exit code 2 for an unknown format', () => {
    const r = run('--format', 'png', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format "png" is invalid: use mermaid, dot, json or markdown/);
  });
});

describe('properties (fast-check, seed 12)', () => {
  const params = { seed: 12, numRuns: 200 };

  test('Mermaid label text never closes its quotes or opens a tag, and reads back as written', () => {
    fc.assert(fc.property(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 4 }), lines => {
      const text = mermaidText(lines);
      expect(text.replace(/<br\/>/g, '')).not.toMatch(/["<>]/);
      const back = text.split('<br/>').map(l => l.replace(/#quot;/g, '"').replace(/#lt;/g, '<').replace(/#gt;/g, '>').replace(/#35;/g, '#'));
      expect(back).toEqual(lines);
    }), params);
  });

  test('relative weights: the route shares of any weights add up to 100%', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 5 }).filter(w => w.some(x => x > 0)), weights => {
      const graph = graphOf([...shop, vs('api', 'shop', { hosts: ['api'], http: [{ route: weights.map((weight, i) => ({ destination: { host: i % 2 ? 'web' : 'api', port: { number: 80 + i } }, weight })) }] })]);
      const shares = graph.edges.filter(e => e.kind === 'route').map(e => Number(e.label[0].replace('%', '')));
      expect(shares).toHaveLength(weights.length);
      expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.5 * weights.length);
    }), { ...params, numRuns: 50 });
  });

  test('fails for every maxNodes that is not a positive integer, and takes every one that is', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -1000, max: 0 }), fc.double({ noInteger: true })), bad => {
      expect(() => MeshGraph.configure(new App(), { maxNodes: bad })).toThrow(/maxNodes .* is invalid: must be a positive integer/);
    }), params);
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), good => {
      expect(() => MeshGraph.configure(new App(), { maxNodes: good })).not.toThrow();
    }), params);
  });

  test('any spec, however malformed, is drawn without a crash (as `cdk8s-istio graph` reads any YAML)', () => {
    const kinds: Array<[string, string]> = [
      ['networking.istio.io/v1', 'VirtualService'], ['networking.istio.io/v1', 'Gateway'], ['networking.istio.io/v1', 'DestinationRule'],
      ['networking.istio.io/v1', 'ServiceEntry'], ['security.istio.io/v1', 'PeerAuthentication'], ['security.istio.io/v1', 'AuthorizationPolicy'],
      ['gateway.networking.k8s.io/v1', 'Gateway'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
    ];
    const any = (...keys: string[]) => fc.record(Object.fromEntries(keys.map(k => [k, fc.anything()])));
    const specArb = fc.oneof(
      fc.anything(),
      fc.record({ http: fc.array(any('route', 'match', 'delegate', 'fault', 'mirror', 'redirect', 'retries')) }),
      any('servers', 'selector', 'rules', 'portLevelMtls', 'mtls', 'subsets', 'hosts'),
      fc.record({ parentRefs: fc.anything(), rules: fc.array(any('matches', 'backendRefs', 'filters')) }),
    );
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...kinds), specArb), { maxLength: 4 }), objs => {
      const json = objs.map(([[apiVersion, kind], spec], i) => ({ apiVersion, kind, metadata: { name: `o${i}`, namespace: 'shop' }, spec }));
      const model = new MeshModel([...shop, ...json].map(j => ({ json: j })), { complete: true, assumeIngressGateway: true });
      const graph = buildGraph(model, [], 'fuzz');
      expect(() => renderMermaid(graph)).not.toThrow();
      expect(() => renderDot(graph)).not.toThrow();
    }), params);
  });
});
