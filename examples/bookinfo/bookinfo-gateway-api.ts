import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { BookinfoApp, BookinfoService } from './bookinfo-app';
import { Scenario } from './scenarios';
import { gatewayApi, MtlsMode, PeerAuthentication } from '../../src';

/** How bookinfo is exposed and routed, chosen with `BOOKINFO_INGRESS`. */
export enum BookinfoIngress {
  /** Istio's Gateway and VirtualServices, with DestinationRule subsets. */
  ISTIO = 'istio',
  /** A Gateway API Gateway of class `istio` and HTTPRoutes; versions are per-version Services. */
  GATEWAY_API = 'gateway-api',
}

/** Every ingress style, for messages and tests. */
export const INGRESS_STYLES: string[] = Object.values(BookinfoIngress);

/** Parses an ingress style, failing with the valid names. */
export function parseIngress(value: string | undefined, source: string): BookinfoIngress {
  if (value === undefined || value === '') return BookinfoIngress.ISTIO;
  if (!INGRESS_STYLES.includes(value)) {
    throw new Error(`${source} ${JSON.stringify(value)} is invalid: must be one of ${INGRESS_STYLES.join(', ')}`);
  }
  return value as BookinfoIngress;
}

/** The scenarios the Gateway API style supports: the Gateway API has no fault injection. */
export const GATEWAY_API_SCENARIOS: Scenario[] = [
  Scenario.DEFAULT, Scenario.ALL_V1, Scenario.JASON_V2, Scenario.REVIEWS_50_50_V3, Scenario.REVIEWS_80_20,
  Scenario.REVIEWS_90_10, Scenario.REVIEWS_V3, Scenario.PERMISSIVE,
];

export interface BookinfoGatewayApiProps {
  readonly app: BookinfoApp;
  readonly namespace: string;
  readonly scenario: Scenario;
}

/**
 * Bookinfo on the Kubernetes Gateway API: STRICT mutual TLS for the namespace (PERMISSIVE in
 * the `permissive` scenario), as with Istio routing; a Gateway of class `istio` (Istio deploys its proxy)
 * with an HTTPRoute to productpage, a Service per version (`reviews-v1`, ...), and for the
 * scenario, mesh (GAMMA) HTTPRoutes whose parent is the service (`reviews`) and whose weighted
 * backends are the version Services.
 */
export class BookinfoGatewayApi extends Construct {
  public readonly gateway: gatewayApi.Gateway;
  public readonly ingress: gatewayApi.HttpRoute;
  public readonly peerAuthentication: PeerAuthentication;
  /** The per-version Services, by name (`reviews-v2`). */
  public readonly versions: Record<string, kplus.Service> = {};

  constructor(scope: Construct, id: string, props: BookinfoGatewayApiProps) {
    super(scope, id);
    const { app, namespace, scenario } = props;
    if (!GATEWAY_API_SCENARIOS.includes(scenario)) {
      throw new Error(`BOOKINFO_SCENARIO ${JSON.stringify(scenario)} is invalid with BOOKINFO_INGRESS=gateway-api: `
        + `the Gateway API has no fault injection; use one of ${GATEWAY_API_SCENARIOS.join(', ')}`);
    }

    this.peerAuthentication = scenario === Scenario.PERMISSIVE
      ? new PeerAuthentication(this, 'mtls', { metadata: { name: 'default', namespace }, mtls: MtlsMode.PERMISSIVE })
      : PeerAuthentication.strictNamespace(this, 'mtls', namespace);

    this.gateway = new gatewayApi.Gateway(this, 'gateway', {
      metadata: { name: 'bookinfo-gateway', namespace },
      gatewayClassName: gatewayApi.GatewayClassName.ISTIO,
      listeners: [{ name: 'http', port: 80, protocol: gatewayApi.ListenerProtocol.HTTP }],
    });

    const productpage = gatewayApi.BackendRef.fromService(app.productpage.service, { port: 9080 });
    this.ingress = new gatewayApi.HttpRoute(this, 'ingress', {
      metadata: { name: 'bookinfo', namespace },
      rules: [{
        matches: [
          { path: gatewayApi.HttpPathMatch.exact('/productpage') },
          { path: gatewayApi.HttpPathMatch.pathPrefix('/static') },
          { path: gatewayApi.HttpPathMatch.exact('/login') },
          { path: gatewayApi.HttpPathMatch.exact('/logout') },
          { path: gatewayApi.HttpPathMatch.pathPrefix('/api/v1/products') },
        ],
        backendRefs: [productpage],
      }],
    });
    this.ingress.addParent(this.gateway, { sectionName: 'http' });

    for (const svc of app.services) {
      for (const deployment of svc.deployments) {
        const version = deployment.metadata.getLabel('version')!;
        const name = `${svc.service.name}-${version}`;
        const service = new kplus.Service(this, name, {
          metadata: { name, namespace, labels: { app: svc.service.name, version } },
          ports: [{ port: 9080, name: 'http' }],
        });
        service.selectLabel('app', svc.service.name);
        service.selectLabel('version', version);
        this.versions[name] = service;
      }
    }

    this.addScenario(scenario, app, namespace);
  }

  private addScenario(scenario: Scenario, app: BookinfoApp, namespace: string): void {
    if (scenario === Scenario.DEFAULT || scenario === Scenario.PERMISSIVE) return;
    const v1 = (svc: BookinfoService) => [this.to(svc, 'v1')];
    this.route(app.productpage, namespace, [{ backendRefs: v1(app.productpage) }]);
    this.route(app.details, namespace, [{ backendRefs: v1(app.details) }]);
    this.route(app.ratings, namespace, [{ backendRefs: v1(app.ratings) }]);

    const reviews = (backendRefs: gatewayApi.BackendRef[]) => this.route(app.reviews, namespace, [{ backendRefs }]);
    switch (scenario) {
      case Scenario.ALL_V1:
        reviews(v1(app.reviews));
        break;
      case Scenario.JASON_V2:
        this.route(app.reviews, namespace, [
          { matches: [{ headers: [gatewayApi.HttpHeaderMatch.exact('end-user', 'jason')] }], backendRefs: [this.to(app.reviews, 'v2')] },
          { backendRefs: v1(app.reviews) },
        ]);
        break;
      case Scenario.REVIEWS_50_50_V3:
        reviews([this.to(app.reviews, 'v1', 50), this.to(app.reviews, 'v3', 50)]);
        break;
      case Scenario.REVIEWS_80_20:
        reviews([this.to(app.reviews, 'v1', 80), this.to(app.reviews, 'v2', 20)]);
        break;
      case Scenario.REVIEWS_90_10:
        reviews([this.to(app.reviews, 'v1', 90), this.to(app.reviews, 'v2', 10)]);
        break;
      case Scenario.REVIEWS_V3:
        reviews([this.to(app.reviews, 'v3')]);
        break;
    }
  }

  private to(svc: BookinfoService, version: string, weight?: number): gatewayApi.BackendRef {
    return gatewayApi.BackendRef.fromService(this.versions[`${svc.service.name}-${version}`], { port: 9080, weight });
  }

  /** An HTTPRoute for the mesh: its parent is the service, so it applies to every call to it. */
  private route(svc: BookinfoService, namespace: string, rules: gatewayApi.HttpRouteRuleOptions[]): gatewayApi.HttpRoute {
    const name = svc.service.name;
    return new gatewayApi.HttpRoute(this, `${name}-route`, {
      metadata: { name, namespace },
      parents: [gatewayApi.RouteParent.fromService(svc.service)],
      rules,
    });
  }
}
