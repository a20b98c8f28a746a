/**
 * The main job (`npm run synth`): writes to dist/ everything `kubectl apply -f dist/` needs to
 * run bookinfo on an Istio 1.30.3 demo mesh with Prometheus, Grafana, Jaeger and Kiali.
 *
 *   BOOKINFO_SCENARIO=jason-v2 npm run synth     # pick a traffic scenario (see scenarios.ts)
 *   BOOKINFO_NAMESPACE=shop npm run synth        # another application namespace
 *   BOOKINFO_INGRESS=gateway-api npm run synth   # Kubernetes Gateway API instead of Istio's Gateway
 *   BOOKINFO_MODE=sidecar-cni npm run synth      # sidecars with istio-cni: Pod Security restricted
 *   BOOKINFO_MODE=ambient npm run synth          # ambient mode: ztunnel, a waypoint for reviews
 */
import { App } from 'cdk8s';
import { parseMode } from './bookinfo-ambient';
import { parseIngress } from './bookinfo-gateway-api';
import { addBookinfoStack } from './bookinfo-stack';
import { parseScenario } from './scenarios';

/** Unset or empty: the stack's default (which depends on the mode). */
function optional<T>(value: string | undefined, parse: (v: string) => T): T | undefined {
  return value === undefined || value === '' ? undefined : parse(value);
}

const app = new App();
addBookinfoStack(app, {
  namespace: process.env.BOOKINFO_NAMESPACE || undefined,
  scenario: parseScenario(process.env.BOOKINFO_SCENARIO ?? app.node.tryGetContext('bookinfo:scenario'), 'BOOKINFO_SCENARIO'),
  ingress: optional(process.env.BOOKINFO_INGRESS ?? app.node.tryGetContext('bookinfo:ingress'), v => parseIngress(v, 'BOOKINFO_INGRESS')),
  mode: parseMode(process.env.BOOKINFO_MODE ?? app.node.tryGetContext('bookinfo:mode'), 'BOOKINFO_MODE'),
});
app.synth();
