import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BookinfoApp, BookinfoService } from './bookinfo-app';
import { Scenario } from './scenarios';
import {
  Destination,
  DestinationRule,
  Fault,
  Gateway,
  GatewaySelector,
  HttpMatch,
  HttpRouteDestination,
  HttpRouteOptions,
  IGatewayWorkload,
  LoadBalancer,
  MtlsMode,
  PeerAuthentication,
  PortProtocol,
  SimpleLoadBalancer,
  StringMatch,
  VirtualService,
} from '../../src';

export interface BookinfoRoutingProps {
  readonly app: BookinfoApp;
  readonly namespace: string;
  /** The installed ingress gateway the bookinfo Gateway binds to. */
  readonly ingressGateway: IGatewayWorkload;
  readonly scenario: Scenario;
}

/** Requests of the user logged in as jason carry this header. */
const JASON: HttpMatch = { headers: { 'end-user': StringMatch.exact('jason') } };

/**
 * The Istio side of bookinfo: STRICT mutual TLS for the namespace (PERMISSIVE in the
 * `permissive` scenario), the ingress Gateway and VirtualService, a DestinationRule with
 * subsets for each service (taken from its Deployments), and the routing of the scenario.
 *
 * STRICT leaves routing through the ingress gateway working: the gateway and the sidecars
 * are all Istio proxies, and the DestinationRules set no `tls`, so Istio's auto mTLS
 * (`enableAutoMtls`, on by default) sends ISTIO_MUTUAL to every bookinfo workload.
 */
export class BookinfoRouting extends Construct {
  public readonly peerAuthentication: PeerAuthentication;
  public readonly gateway: Gateway;
  public readonly ingress: VirtualService;
  public readonly rules: Record<string, DestinationRule> = {};

  constructor(scope: Construct, id: string, props: BookinfoRoutingProps) {
    super(scope, id);
    const { app, namespace } = props;

    this.peerAuthentication = props.scenario === Scenario.PERMISSIVE
      ? new PeerAuthentication(this, 'mtls', { metadata: { name: 'default', namespace }, mtls: MtlsMode.PERMISSIVE })
      : PeerAuthentication.strictNamespace(this, 'mtls', namespace);

    this.gateway = new Gateway(this, 'gateway', {
      metadata: { name: 'bookinfo-gateway', namespace },
      selector: GatewaySelector.fromGatewayWorkload(props.ingressGateway),
      // The gateway pods listen on the Service's target port: 80 -> 8080, as upstream's bookinfo-gateway.yaml.
      servers: [{ port: { number: 8080, name: 'http', protocol: PortProtocol.HTTP }, hosts: ['*'] }],
    });

    for (const svc of app.services) {
      const name = svc.service.name;
      const rule = new DestinationRule(this, `${name}-rule`, {
        metadata: { name, namespace },
        host: name,
        trafficPolicy: { loadBalancer: LoadBalancer.simple(name === 'reviews' ? SimpleLoadBalancer.RANDOM : SimpleLoadBalancer.ROUND_ROBIN) },
      });
      for (const deployment of svc.deployments) rule.addSubsetFromWorkload(deployment);
      this.rules[name] = rule;
    }

    // With version routing (every scenario but the default and its permissive variant), ingress
    // traffic goes to productpage v1 as mesh traffic does: the gateway does not apply the
    // productpage VirtualService (istioctl analyze IST0140).
    const productpage = props.scenario === Scenario.DEFAULT || props.scenario === Scenario.PERMISSIVE
      ? Destination.fromService(app.productpage.service, { port: 9080 })
      : Destination.fromSubset(this.rules.productpage.subset('v1'), { port: 9080 });
    const toProductpage: HttpRouteDestination[] = [{ destination: productpage }];
    this.ingress = new VirtualService(this, 'ingress', {
      metadata: { name: 'bookinfo', namespace },
      hosts: ['*'],
      gateways: [this.gateway],
      http: [{
        match: [
          { uri: StringMatch.exact('/productpage') },
          { uri: StringMatch.prefix('/static') },
          { uri: StringMatch.exact('/login') },
          { uri: StringMatch.exact('/logout') },
          { uri: StringMatch.prefix('/api/v1/products') },
        ],
        route: toProductpage,
      }],
    });

    this.addScenario(props.scenario, app, namespace);
  }

  private addScenario(scenario: Scenario, app: BookinfoApp, namespace: string): void {
    if (scenario === Scenario.DEFAULT || scenario === Scenario.PERMISSIVE) return;
    const v1 = (svc: BookinfoService) => this.to(svc, 'v1');

    // Every scenario but DEFAULT starts from "all traffic to v1" for the services it leaves alone.
    this.route(app.productpage, [{ route: [v1(app.productpage)] }], namespace);
    this.route(app.details, [{ route: [v1(app.details)] }], namespace);

    switch (scenario) {
      case Scenario.ALL_V1:
        this.route(app.reviews, [{ route: [v1(app.reviews)] }], namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.JASON_V2:
        this.route(app.reviews, this.jasonToV2(app), namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.REVIEWS_50_50_V3:
        this.route(app.reviews, [{ route: [this.to(app.reviews, 'v1', 50), this.to(app.reviews, 'v3', 50)] }], namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.REVIEWS_80_20:
        this.route(app.reviews, [{ route: [this.to(app.reviews, 'v1', 80), this.to(app.reviews, 'v2', 20)] }], namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.REVIEWS_90_10:
        this.route(app.reviews, [{ route: [this.to(app.reviews, 'v1', 90), this.to(app.reviews, 'v2', 10)] }], namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.REVIEWS_V3:
        this.route(app.reviews, [{ route: [this.to(app.reviews, 'v3')] }], namespace);
        this.route(app.ratings, [{ route: [v1(app.ratings)] }], namespace);
        break;
      case Scenario.RATINGS_DELAY:
        this.route(app.reviews, this.jasonToV2(app), namespace);
        this.route(app.ratings, [
          { match: [JASON], fault: Fault.delay(Duration.seconds(7), 100), route: [v1(app.ratings)] },
          { route: [v1(app.ratings)] },
        ], namespace);
        break;
      case Scenario.RATINGS_ABORT:
        this.route(app.reviews, this.jasonToV2(app), namespace);
        this.route(app.ratings, [
          { match: [JASON], fault: Fault.abort(500, 100), route: [v1(app.ratings)] },
          { route: [v1(app.ratings)] },
        ], namespace);
        break;
    }
  }

  private jasonToV2(app: BookinfoApp): HttpRouteOptions[] {
    return [
      { match: [JASON], route: [this.to(app.reviews, 'v2')] },
      { route: [this.to(app.reviews, 'v1')] },
    ];
  }

  private to(svc: BookinfoService, version: string, weight?: number): HttpRouteDestination {
    return { destination: Destination.fromSubset(this.rules[svc.service.name].subset(version)), weight };
  }

  private route(svc: BookinfoService, http: HttpRouteOptions[], namespace: string): VirtualService {
    const name = svc.service.name;
    return new VirtualService(this, `${name}-routes`, {
      metadata: { name, namespace },
      hosts: [name],
      http,
    });
  }
}
