import { App, Chart } from 'cdk8s';
import { BookinfoAmbient, BookinfoMode } from './bookinfo-ambient';
import { BookinfoApp } from './bookinfo-app';
import { BookinfoGatewayApi, BookinfoIngress } from './bookinfo-gateway-api';
import { BookinfoRouting } from './bookinfo-routing';
import { Scenario } from './scenarios';
import { CrdSource, GatewayApiCrdChannel, GatewayApiCrds, IstioCrds, IstioMesh, ObservabilityAddons, Profile } from '../../src';

export interface BookinfoStackOptions {
  /** Namespace of the application. @default "bookinfo" */
  readonly namespace?: string;
  /** The traffic scenario. @default Scenario.DEFAULT */
  readonly scenario?: Scenario;
  /** Istio's Gateway and VirtualServices, or the Kubernetes Gateway API. @default BookinfoIngress.ISTIO (ambient: GATEWAY_API) */
  readonly ingress?: BookinfoIngress;
  /** Sidecars, sidecars with istio-cni, or ambient mode. @default BookinfoMode.SIDECAR */
  readonly mode?: BookinfoMode;
}

/** The charts of the main job, in apply order: their ids (and so their file names) sort that way. */
export interface BookinfoStack {
  readonly crds: Chart;
  readonly controlPlane: Chart;
  readonly addons: Chart;
  readonly application: Chart;
  readonly mesh: IstioMesh;
  readonly app: BookinfoApp;
  /** The Istio routing (`BookinfoIngress.ISTIO`). */
  readonly routing?: BookinfoRouting;
  /** The Gateway API routing (`BookinfoIngress.GATEWAY_API`, and ambient mode). */
  readonly gatewayApi?: BookinfoGatewayApi;
  /** The waypoint, reviews route and policies of ambient mode. */
  readonly ambient?: BookinfoAmbient;
}

/** Pod Security `restricted`, which bookinfo's pods meet without sidecars, or with sidecars and istio-cni. */
const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted' };

/**
 * The main job: the Istio CRDs, the control plane (demo profile, or ambient), the observability
 * addons, and bookinfo with its routing, as four charts that cdk8s writes to files named in
 * apply order (`00-istio-crds.k8s.yaml` ... `03-bookinfo.k8s.yaml`).
 */
export function addBookinfoStack(app: App, options: BookinfoStackOptions = {}): BookinfoStack {
  const namespace = options.namespace ?? 'bookinfo';

  // Every CRD goes first, in a file of its own: Istio's, and the Gateway API's
  const crds = new Chart(app, '00-istio-crds');
  new IstioCrds(crds, 'istio');
  new GatewayApiCrds(crds, 'gateway-api');

  const mode = options.mode ?? BookinfoMode.SIDECAR;
  const ambient = mode === BookinfoMode.AMBIENT;
  const ingress = options.ingress ?? (ambient ? BookinfoIngress.GATEWAY_API : BookinfoIngress.ISTIO);
  const scenario = options.scenario ?? Scenario.DEFAULT;
  if (ambient && ingress !== BookinfoIngress.GATEWAY_API) {
    throw new Error(`BOOKINFO_INGRESS ${JSON.stringify(ingress)} is invalid with BOOKINFO_MODE=ambient: the ambient profile has no istio-ingressgateway; use gateway-api`);
  }
  if (ambient && scenario !== Scenario.DEFAULT) {
    throw new Error(`BOOKINFO_SCENARIO ${JSON.stringify(scenario)} is invalid with BOOKINFO_MODE=ambient: ambient mode routes reviews 90/10 through its waypoint; use default`);
  }

  const controlPlane = new Chart(app, '01-istio-control-plane');
  const mesh = new IstioMesh(controlPlane, 'istio', {
    profile: ambient ? Profile.AMBIENT : Profile.DEMO,
    crds: CrdSource.none(),
    gatewayApiCrds: GatewayApiCrdChannel.NONE,
    ...(mode === BookinfoMode.SIDECAR_CNI ? { cni: { enabled: true } } : {}),
  });
  if (ambient) mesh.enrollNamespace(namespace, { labels: RESTRICTED });
  else mesh.injectNamespace(namespace, mode === BookinfoMode.SIDECAR_CNI ? { labels: RESTRICTED } : {});

  const addons = new Chart(app, '02-istio-addons');
  ObservabilityAddons.demo(addons, 'observability', mesh);

  const application = new Chart(app, '03-bookinfo');
  const bookinfo = new BookinfoApp(application, 'app', { namespace });
  if (ingress === BookinfoIngress.GATEWAY_API) {
    const gatewayApi = new BookinfoGatewayApi(application, 'gateway-api', { app: bookinfo, namespace, scenario });
    const extras = ambient
      ? new BookinfoAmbient(application, 'ambient', { app: bookinfo, namespace, versions: gatewayApi.versions, ingressPort: 80, monitoringNamespace: mesh.namespace })
      : undefined;
    return { crds, controlPlane, addons, application, mesh, app: bookinfo, gatewayApi, ambient: extras };
  }
  const routing = new BookinfoRouting(application, 'routing', {
    app: bookinfo,
    namespace,
    ingressGateway: mesh.ingressGateway!,
    scenario,
  });

  // No chart dependencies: cdk8s would make every object of a chart depend on every object of
  // the other; the ids already sort in apply order.
  return { crds, controlPlane, addons, application, mesh, app: bookinfo, routing };
}
