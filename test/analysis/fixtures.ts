import { analyzeObjects } from '../../src/analysis/analyze';

/** Small builders of the objects the analyzers read, as a user would write them in YAML. */
export type Obj = Record<string, any>;

export function ns(name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }, annotations?: Record<string, string>): Obj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, ...(annotations ? { annotations } : {}) } };
}

export function svc(name: string, namespace: string, selector: Record<string, string> | undefined, ports: Obj[] = [{ name: 'http', port: 9080 }], extra: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), ports, ...extra } };
}

export function deploy(name: string, namespace: string, labels: Record<string, string>, pod: Obj = {}, meta: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, ...meta },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels, ...(pod.annotations ? { annotations: pod.annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'example/app:1' }], ...pod.spec } },
    },
  };
}

export function istio(kind: string, name: string, namespace: string, spec: Obj, metadata: Obj = {}): Obj {
  const group = ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'].includes(kind) ? 'security.istio.io/v1'
    : kind === 'Telemetry' ? 'telemetry.istio.io/v1' : kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : 'networking.istio.io/v1';
  return { apiVersion: group, kind, metadata: { name, namespace, ...metadata }, spec };
}

/** A namespace `shop` with reviews v1/v2 behind Service reviews (port 9080). */
export function reviewsApp(): Obj[] {
  return [
    ns('shop'),
    svc('reviews', 'shop', { app: 'reviews' }),
    deploy('reviews-v1', 'shop', { app: 'reviews', version: 'v1' }),
    deploy('reviews-v2', 'shop', { app: 'reviews', version: 'v2' }),
  ];
}

/** `CODE Kind ns/name` of every message, as the command would show them (complete world, istioctl's view). */
export function findings(objects: Obj[], options: { complete?: boolean; meshConfig?: Obj } = {}): string[] {
  return analyzeObjects(objects.map(json => ({ json })), {
    complete: options.complete ?? true, assumeIngressGateway: true, meshConfig: options.meshConfig,
  }).messages.map(m => `${m.message.code} ${m.message.resource}`);
}

/** The messages' text. */
export function texts(objects: Obj[], code: string): string[] {
  return analyzeObjects(objects.map(json => ({ json })), { complete: true, assumeIngressGateway: true })
    .messages.filter(m => m.message.code === code).map(m => m.message.message);
}
