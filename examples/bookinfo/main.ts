/**
 * The main job (`npm run synth`): writes to dist/ everything `kubectl apply -f dist/` needs to
 * run bookinfo on an Istio 1.30.3 demo mesh with Prometheus, Grafana, Jaeger and Kiali.
 *
 *   BOOKINFO_SCENARIO=jason-v2 npm run synth     # pick a traffic scenario (see scenarios.ts)
 *   BOOKINFO_NAMESPACE=shop npm run synth        # another application namespace
 *   BOOKINFO_INGRESS=gateway-api npm run synth   # Kubernetes Gateway API instead of Istio's Gateway
 */
import { App } from 'cdk8s';
import { parseIngress } from './bookinfo-gateway-api';
import { addBookinfoStack } from './bookinfo-stack';
import { parseScenario } from './scenarios';

const app = new App();
addBookinfoStack(app, {
  namespace: process.env.BOOKINFO_NAMESPACE || undefined,
  scenario: parseScenario(process.env.BOOKINFO_SCENARIO ?? app.node.tryGetContext('bookinfo:scenario'), 'BOOKINFO_SCENARIO'),
  ingress: parseIngress(process.env.BOOKINFO_INGRESS ?? app.node.tryGetContext('bookinfo:ingress'), 'BOOKINFO_INGRESS'),
});
app.synth();
