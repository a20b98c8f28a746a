import { ApiObject, Duration, Size, SizeRoundingBehavior, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { IAddonEndpoint } from './addon';
import { check, fail, validateInteger } from '../core/validation';

/** The namespace the addons run in unless told otherwise, as `istioctl` and the upstream samples use. */
export const DEFAULT_ADDON_NAMESPACE = 'istio-system';

/** Renders a Size as a Kubernetes quantity in the largest whole binary unit. */
export function renderQuantity(size: Size): string {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (Number.isInteger(mib / 1024) && mib >= 1024) return `${mib / 1024}Gi`;
  if (Number.isInteger(mib)) return `${mib}Mi`;
  return `${Math.ceil(size.toKibibytes({ rounding: SizeRoundingBehavior.NONE }))}Ki`;
}

/** Renders container resources as the Kubernetes `resources` block. */
export function renderResources(resources: kplus.ContainerResources | undefined): any {
  if (!resources) return undefined;
  const side = (key: 'request' | 'limit') => {
    const out: Record<string, string> = {};
    const cpu = resources.cpu?.[key];
    const memory = resources.memory?.[key];
    const storage = resources.ephemeralStorage?.[key];
    if (cpu) out.cpu = String(cpu.amount);
    if (memory) out.memory = renderQuantity(memory);
    if (storage) out['ephemeral-storage'] = renderQuantity(storage);
    return Object.keys(out).length > 0 ? out : undefined;
  };
  const rendered = { requests: side('request'), limits: side('limit') };
  return rendered.requests || rendered.limits ? dropUndefined(rendered) : undefined;
}

/**
 * Renders a duration the way Prometheus and Loki read it (`15d`, `6h`, `90s`), in the largest
 * unit that divides it.
 */
export function renderPrometheusDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  for (const [unit, size] of units) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Renders a duration as Go's `time.ParseDuration` reads it (no days): `72h`, `90s`, `250ms`. */
export function renderGoDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  const units: Array<[string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  for (const [unit, size] of units) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const IMAGE_REFERENCE = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:\w[\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** Validates an image reference: `[registry[:port]/]repository[:tag][@sha256:digest]`. */
export function validateImage(scope: IConstruct, field: string, image: string | undefined): void {
  if (image === undefined) return;
  check(typeof image === 'string' && IMAGE_REFERENCE.test(image), scope, field, image,
    'must be a container image reference such as "docker.io/prom/prometheus:v3.10.0" (registry, lowercase repository, optional tag or digest)');
}

/** Validates an http(s) URL browsers use to reach an addon. */
export function validateExternalUrl(scope: IConstruct, field: string, url: string | undefined): void {
  if (url === undefined) return;
  let ok = /^https?:\/\/[^\s/]+(\/\S*)?$/.test(url);
  try {
    new URL(url);
  } catch {
    ok = false;
  }
  check(ok, scope, field, url, 'must be an http or https URL such as "https://grafana.example.com"');
}

/** Validates a replica count (at least `min`). */
export function validateReplicas(scope: IConstruct, field: string, replicas: number | undefined, min = 1): void {
  validateInteger(scope, field, replicas, min, 1000);
}

/**
 * Throws unless `addon` belongs to the same cdk8s App as `scope`: a reference to an addon that
 * this app does not install would point at a Service nobody creates.
 */
export function assertInstalled(scope: IConstruct, field: string, addon: IAddonEndpoint | undefined): void {
  if (addon === undefined) return;
  if (addon.node.root !== scope.node.root) {
    fail(scope, field, addon.node.path,
      `the ${addon.constructor.name} it refers to is not part of this app; create it in the same app (or omit ${field})`);
  }
}

/** The in-cluster URL of a Service: `http://name.namespace:port`, without `:80`. */
export function serviceUrl(serviceName: string, namespace: string, port: number, path = ''): string {
  return `http://${serviceName}.${namespace}${port === 80 ? '' : `:${port}`}${path}`;
}

/** Labels shared by an addon's objects. */
export function addonLabels(name: string, version: string): Record<string, string> {
  return {
    'app': name,
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/version': version,
    'app.kubernetes.io/part-of': 'istio-addons',
    'app.kubernetes.io/managed-by': 'cdk8s-istio',
  };
}

/** The tag of an image reference, or `latest`. */
export function imageTag(image: string): string {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > slash ? withoutDigest.slice(colon + 1) : 'latest';
  return tag.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
}

/** Serialises a config file as YAML. */
export function toYaml(doc: unknown): string {
  return Yaml.stringify(dropUndefined(doc));
}

/** Recursively removes `undefined` values so generated config files stay minimal. */
export function dropUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(v => dropUndefined(v)) as any;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = dropUndefined(v);
    }
    return out as T;
  }
  return value;
}

/** Creates a plain Kubernetes object as a child `id` of `scope`. */
export function kubeObject(scope: Construct, id: string, apiVersion: string, kind: string, metadata: any, body: Record<string, any>): ApiObject {
  return new ApiObject(scope, id, { apiVersion, kind, metadata: dropUndefined(metadata), ...dropUndefined(body) });
}

/** The pod template labels that keep the sidecar out of an addon pod. */
export const NO_SIDECAR = { 'sidecar.istio.io/inject': 'false' };

export interface ProbeTiming {
  readonly initialDelaySeconds?: number;
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
  readonly timeoutSeconds?: number;
}

/** An HTTP probe on a named or numbered container port. */
export function httpProbe(path: string, port: string | number, options: ProbeTiming = {}): any {
  return dropUndefined({ httpGet: { path, port }, ...options });
}

/** The container securityContext every addon uses: non-root, no privilege escalation, no capabilities. */
export function restrictedContainer(user: number, readOnlyRootFilesystem: boolean): any {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

