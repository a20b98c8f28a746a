import { App, Chart } from 'cdk8s';
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
  /** Istio's Gateway and VirtualServices, or the Kubernetes Gateway API. @default BookinfoIngress.ISTIO */
  readonly ingress?: BookinfoIngress;
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
  /** The Gateway API routing (`BookinfoIngress.GATEWAY_API`). */
  readonly gatewayApi?: BookinfoGatewayApi;
}

/**
 * The main job: the Istio CRDs, the demo-profile control plane, the observability addons, and
 * bookinfo with its Istio routing, as four charts that cdk8s writes to files named in apply
 * order (`00-istio-crds.k8s.yaml` ... `03-bookinfo.k8s.yaml`).
 */
export function addBookinfoStack(app: App, options: BookinfoStackOptions = {}): BookinfoStack {
  const namespace = options.namespace ?? 'bookinfo';

  // Every CRD goes first, in a file of its own: Istio's, and the Gateway API's
  const crds = new Chart(app, '00-istio-crds');
  new IstioCrds(crds, 'istio');
  new GatewayApiCrds(crds, 'gateway-api');

  const controlPlane = new Chart(app, '01-istio-control-plane');
  const mesh = new IstioMesh(controlPlane, 'istio', { profile: Profile.DEMO, crds: CrdSource.none(), gatewayApiCrds: GatewayApiCrdChannel.NONE });
  mesh.injectNamespace(namespace);

  const addons = new Chart(app, '02-istio-addons');
  ObservabilityAddons.demo(addons, 'observability', mesh);

  const application = new Chart(app, '03-bookinfo');
  const bookinfo = new BookinfoApp(application, 'app', { namespace });
  const scenario = options.scenario ?? Scenario.DEFAULT;
  if (options.ingress === BookinfoIngress.GATEWAY_API) {
    const gatewayApi = new BookinfoGatewayApi(application, 'gateway-api', { app: bookinfo, namespace, scenario });
    return { crds, controlPlane, addons, application, mesh, app: bookinfo, gatewayApi };
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
