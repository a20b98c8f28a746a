import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { ofKind, synthValid } from './support';
import { gatewayApi } from '../../src';

// The README's Gateway API example, as written there.
test('README: Kubernetes Gateway API', () => {
  const chart = Testing.chart();
  const svc = (name: string) => new kplus.Service(chart, name, { metadata: { name, namespace: 'bookinfo' }, ports: [{ port: 9080 }] });
  const [productpage, reviews, reviewsV1, reviewsV2] = ['productpage', 'reviews', 'reviews-v1', 'reviews-v2'].map(svc);
  const cert = new kplus.Secret(chart, 'cert', { metadata: { name: 'bookinfo-cert', namespace: 'bookinfo' } });

  const { BackendRef, Gateway, GatewayClassName, HttpPathMatch, HttpRoute, HttpRouteFilter, ListenerProtocol, RouteParent } = gatewayApi;

  const gateway = new Gateway(chart, 'gateway', {
    metadata: { name: 'bookinfo-gateway', namespace: 'bookinfo' },
    gatewayClassName: GatewayClassName.ISTIO,
    listeners: [
      { name: 'http', port: 80, protocol: ListenerProtocol.HTTP },
      { name: 'https', port: 443, protocol: ListenerProtocol.HTTPS, hostname: 'bookinfo.example.com', tls: { certificateRefs: [cert] } },
    ],
  });

  const ingress = new HttpRoute(chart, 'bookinfo', { metadata: { namespace: 'bookinfo' } });
  ingress.addParent(gateway, { sectionName: 'https' });
  ingress.addRule({
    matches: [{ path: HttpPathMatch.exact('/productpage') }, { path: HttpPathMatch.pathPrefix('/static') }],
    filters: [HttpRouteFilter.responseHeaderModifier({ set: { 'cache-control': 'no-store' } })],
    backendRefs: [BackendRef.fromService(productpage)],
    timeouts: { request: Duration.seconds(10) },
  });

  new HttpRoute(chart, 'reviews-route', {
    metadata: { namespace: 'bookinfo' },
    parents: [RouteParent.fromService(reviews)],
    rules: [{ backendRefs: [BackendRef.fromService(reviewsV1, { weight: 90 }), BackendRef.fromService(reviewsV2, { weight: 10 })] }],
  });

  const routes = ofKind(synthValid(chart), 'HTTPRoute');
  expect(routes.map(r => r.spec.parentRefs)).toEqual([
    [{ name: 'bookinfo-gateway', sectionName: 'https' }],
    [{ group: '', kind: 'Service', name: 'reviews' }],
  ]);
  expect(routes[1].spec.rules[0].backendRefs).toEqual([{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }]);
});
