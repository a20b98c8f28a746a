/**
 * The mesh graph of each bookinfo scenario (examples/bookinfo, BOOKINFO_SCENARIO): which
 * nodes, edges and labels a reviewer sees.
 */
import { bookinfoGraph, edgeLines, nodeNamed, routesFrom } from './support/graph-helpers';
import { BookinfoIngress, GATEWAY_API_SCENARIOS } from '../examples/bookinfo/bookinfo-gateway-api';
import { Scenario, SCENARIOS } from '../examples/bookinfo/scenarios';
import { Graph } from '../src/graph/graph';

const V1 = (svc: string) => `bookinfo/${svc} subset v1`;
const ALL_V1 = {
  productpage: [V1('productpage')],
  details: [V1('details')],
  ratings: [V1('ratings')],
};

/** Where each mesh VirtualService routes, per scenario: every scenario of the example is listed. */
const EXPECTED: Record<string, Record<string, string[]> | undefined> = {
  [Scenario.DEFAULT]: undefined,
  [Scenario.PERMISSIVE]: undefined,
  [Scenario.ALL_V1]: { ...ALL_V1, reviews: [V1('reviews')] },
  [Scenario.JASON_V2]: { ...ALL_V1, reviews: ['bookinfo/reviews subset v2: header end-user = jason', 'bookinfo/reviews subset v1: otherwise'] },
  [Scenario.REVIEWS_50_50_V3]: { ...ALL_V1, reviews: ['bookinfo/reviews subset v1: 50%', 'bookinfo/reviews subset v3: 50%'] },
  [Scenario.REVIEWS_80_20]: { ...ALL_V1, reviews: ['bookinfo/reviews subset v1: 80%', 'bookinfo/reviews subset v2: 20%'] },
  [Scenario.REVIEWS_90_10]: { ...ALL_V1, reviews: ['bookinfo/reviews subset v1: 90%', 'bookinfo/reviews subset v2: 10%'] },
  [Scenario.REVIEWS_V3]: { ...ALL_V1, reviews: ['bookinfo/reviews subset v3'] },
  [Scenario.RATINGS_DELAY]: {
    ...ALL_V1,
    reviews: ['bookinfo/reviews subset v2: header end-user = jason', 'bookinfo/reviews subset v1: otherwise'],
    ratings: ['bookinfo/ratings subset v1: header end-user = jason | fault: delay 7s for 100%', 'bookinfo/ratings subset v1: otherwise'],
  },
  [Scenario.RATINGS_ABORT]: {
    ...ALL_V1,
    reviews: ['bookinfo/reviews subset v2: header end-user = jason', 'bookinfo/reviews subset v1: otherwise'],
    ratings: ['bookinfo/ratings subset v1: header end-user = jason | fault: abort HTTP 500 for 100%', 'bookinfo/ratings subset v1: otherwise'],
  },
};

const INGRESS_MATCH = 'uri = /productpage | or uri prefix /static | or uri = /login | or uri = /logout | or uri prefix /api/v1/products | port 9080';

test('the table covers every scenario of the example', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...SCENARIOS].sort());
});

describe.each(SCENARIOS)('bookinfo scenario %s', name => {
  const scenario = name as Scenario;
  let graph: Graph;
  beforeAll(() => {
    graph = bookinfoGraph(scenario).graph;
  });
  const expected = EXPECTED[scenario];

  test('the ingress Gateway serves * on port 8080 from the ingress gateway pods, and applies the bookinfo VirtualService', () => {
    expect(nodeNamed(graph, 'Gateway bookinfo/bookinfo-gateway').label).toEqual([
      'Gateway bookinfo/bookinfo-gateway', ':8080 HTTP *', 'on istio-system/istio-ingressgateway',
    ]);
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('Gateway'))).toEqual(['Gateway bookinfo/bookinfo-gateway -> VirtualService bookinfo/bookinfo: *']);
  });

  test('ingress routes the five productpage paths', () => {
    const to = expected ? 'bookinfo/productpage subset v1' : 'Service bookinfo/productpage';
    expect(routesFrom(graph, 'bookinfo/bookinfo')).toEqual([`${to}: ${INGRESS_MATCH}`]);
  });

  test('mesh routing: each VirtualService bound to the mesh, and where its routes go', () => {
    const meshBinds = edgeLines(graph, 'bind').filter(l => l.startsWith('mesh'));
    if (!expected) {
      expect(meshBinds).toEqual([]);
      expect(graph.nodes.some(n => n.kind === 'mesh')).toBe(false);
      // without routing, calls to reviews reach all three versions
      expect(edgeLines(graph, 'select').filter(l => l.startsWith('Service bookinfo/reviews'))).toEqual([
        'Service bookinfo/reviews -> Deployment bookinfo/reviews-v1',
        'Service bookinfo/reviews -> Deployment bookinfo/reviews-v2',
        'Service bookinfo/reviews -> Deployment bookinfo/reviews-v3',
      ]);
      return;
    }
    expect(meshBinds.sort()).toEqual(['details', 'productpage', 'ratings', 'reviews'].map(s => `mesh -> VirtualService bookinfo/${s}: ${s}`));
    for (const [svc, routes] of Object.entries(expected)) {
      expect(routesFrom(graph, `bookinfo/${svc}`)).toEqual(routes);
    }
  });

  test('subsets select the workload of their version', () => {
    for (const line of edgeLines(graph, 'select').filter(l => l.includes(' subset '))) {
      const m = /^bookinfo\/(\w+) subset (v\d) -> Deployment bookinfo\/(\w+)-(v\d)$/.exec(line);
      expect(m).not.toBeNull();
      expect([m![3], m![4]]).toEqual([m![1], m![2]]);
    }
  });

  test('workloads show the effective mTLS mode of the namespace policy', () => {
    const mode = scenario === Scenario.PERMISSIVE ? 'PERMISSIVE' : 'STRICT';
    expect(nodeNamed(graph, 'Deployment bookinfo/reviews-v2').label.slice(0, 3)).toEqual(['Deployment bookinfo/reviews-v2', `mTLS ${mode}`, 'sa bookinfo-reviews']);
    expect(graph.namespaces.find(n => n.name === 'bookinfo')).toEqual({ name: 'bookinfo', mtls: mode, defaultDeny: false });
    // no PeerAuthentication in istio-system: Istio's default
    expect(graph.namespaces.find(n => n.name === 'istio-system')?.mtls).toBe('PERMISSIVE');
  });

  test('every reviews version is drawn; those no route reaches say so', () => {
    for (const version of ['v1', 'v2', 'v3']) {
      const reached = !expected || expected.reviews.some(r => r.startsWith(`bookinfo/reviews subset ${version}`));
      expect(nodeNamed(graph, `Deployment bookinfo/reviews-${version}`).label.includes('no route leads here')).toBe(!reached);
    }
  });

  test('the example has no analysis finding to mark', () => {
    expect([...graph.nodes.flatMap(n => n.findings), ...graph.edges.flatMap(e => e.findings)]).toEqual([]);
  });
});

test('the Markdown of each chart holds only what that chart defines (and what its edges lead to)', () => {
  const { markdown } = bookinfoGraph(Scenario.REVIEWS_90_10);
  expect(Object.keys(markdown)).toEqual(['00-istio-crds.mesh.md', '01-istio-control-plane.mesh.md', '02-istio-addons.mesh.md', '03-bookinfo.mesh.md']);
  expect(markdown['00-istio-crds.mesh.md']).toContain('no mesh traffic, workloads or policies');
  expect(markdown['01-istio-control-plane.mesh.md']).toContain('Deployment istio-system/istiod');
  expect(markdown['01-istio-control-plane.mesh.md']).not.toContain('bookinfo');
  expect(markdown['02-istio-addons.mesh.md']).toContain('Service istio-system/kiali');
  expect(markdown['03-bookinfo.mesh.md']).toContain('vs_bookinfo_reviews -->|"90%"| subset_bookinfo_reviews_v1');
  expect(markdown['03-bookinfo.mesh.md']).not.toContain('istiod');
});

test('the graph is deterministic: the same app gives byte-identical Markdown', () => {
  expect(bookinfoGraph(Scenario.RATINGS_DELAY).markdown).toEqual(bookinfoGraph(Scenario.RATINGS_DELAY).markdown);
});

/** The Gateway API style (BOOKINFO_INGRESS=gateway-api): where the reviews HTTPRoute sends calls. */
const GATEWAY_API_REVIEWS: Record<string, string[] | undefined> = {
  [Scenario.DEFAULT]: undefined,
  [Scenario.PERMISSIVE]: undefined,
  [Scenario.ALL_V1]: ['Service bookinfo/reviews-v1: port 9080'],
  [Scenario.JASON_V2]: ['Service bookinfo/reviews-v2: header end-user = jason | port 9080', 'Service bookinfo/reviews-v1: otherwise | port 9080'],
  [Scenario.REVIEWS_50_50_V3]: ['Service bookinfo/reviews-v1: 50% | port 9080', 'Service bookinfo/reviews-v3: 50% | port 9080'],
  [Scenario.REVIEWS_80_20]: ['Service bookinfo/reviews-v1: 80% | port 9080', 'Service bookinfo/reviews-v2: 20% | port 9080'],
  [Scenario.REVIEWS_90_10]: ['Service bookinfo/reviews-v1: 90% | port 9080', 'Service bookinfo/reviews-v2: 10% | port 9080'],
  [Scenario.REVIEWS_V3]: ['Service bookinfo/reviews-v3: port 9080'],
};

test('the Gateway API table covers every scenario that style supports', () => {
  expect(Object.keys(GATEWAY_API_REVIEWS).sort()).toEqual([...GATEWAY_API_SCENARIOS].sort());
});

describe.each(GATEWAY_API_SCENARIOS)('bookinfo on the Gateway API, scenario %s', scenario => {
  let graph: Graph;
  beforeAll(() => {
    graph = bookinfoGraph(scenario, BookinfoIngress.GATEWAY_API).graph;
  });

  test('the Gateway (class istio, listener http) binds the ingress HTTPRoute to productpage', () => {
    expect(nodeNamed(graph, 'Gateway bookinfo/bookinfo-gateway').label).toEqual(['Gateway bookinfo/bookinfo-gateway', 'class istio', ':80 HTTP *']);
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('Gateway'))).toEqual(['Gateway bookinfo/bookinfo-gateway -> HTTPRoute bookinfo/bookinfo: * | listener http']);
    expect(edgeLines(graph, 'route').filter(l => l.startsWith('HTTPRoute bookinfo/bookinfo ->'))).toEqual([
      'HTTPRoute bookinfo/bookinfo -> Service bookinfo/productpage: path = /productpage | or path prefix /static | or path = /login | or path = /logout | or path prefix /api/v1/products | port 9080',
    ]);
  });

  test('mesh (GAMMA) routes: the reviews HTTPRoute, bound to the reviews Service, and where it sends calls', () => {
    const expected = GATEWAY_API_REVIEWS[scenario];
    const prefix = 'HTTPRoute bookinfo/reviews -> ';
    expect(edgeLines(graph, 'route').filter(l => l.startsWith(prefix)).map(l => l.slice(prefix.length))).toEqual(expected ?? []);
    expect(edgeLines(graph, 'bind').filter(l => l.startsWith('mesh')).includes('mesh -> HTTPRoute bookinfo/reviews: reviews')).toBe(expected !== undefined);
  });
});
