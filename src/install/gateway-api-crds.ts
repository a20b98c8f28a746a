import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SYNC_WAVE_ANNOTATION, SyncWave } from './install-context';
import { cloneJson } from '../core/json';
import { PrerenderedApiObject } from '../core/prerendered-api-object';
import { check } from '../core/validation';

/**
 * Which Kubernetes Gateway API CRDs (v1.5.1) an installation applies.
 *
 * Istio creates the `istio`, `istio-waypoint`, `istio-east-west` and `istio-remote`
 * GatewayClasses itself once it finds the CRDs, so no GatewayClass is emitted: Gateways refer to
 * them with `gatewayApi.GatewayClassName.ISTIO` and friends.
 */
export enum GatewayApiCrdChannel {
  /**
   * The standard channel: GatewayClass, Gateway, HTTPRoute, GRPCRoute, TLSRoute, ListenerSet,
   * BackendTLSPolicy and ReferenceGrant, with the upstream `safe-upgrades` admission policy.
   */
  STANDARD = 'standard',
  /**
   * The standard channel plus the experimental TCPRoute and UDPRoute (`v1alpha2`). Istio
   * serves them when istiod runs with `PILOT_ENABLE_ALPHA_GATEWAY_API=true`
   * (`istiod: { env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } }`).
   */
  EXPERIMENTAL = 'experimental',
  /** None: the cluster already has them (many managed Kubernetes offerings install them). */
  NONE = 'none',
}

/** Properties of `GatewayApiCrds`. */
export interface GatewayApiCrdsProps {
  /** Which CRDs. @default GatewayApiCrdChannel.STANDARD */
  readonly channel?: GatewayApiCrdChannel;
  /** Add the Argo CD annotation `argocd.argoproj.io/sync-wave: "-3"`, so CRDs are applied first. @default false */
  readonly syncWave?: boolean;
}

/**
 * The Kubernetes Gateway API v1.5.1 CRDs as the upstream release has them (full OpenAPI
 * schemas and CEL validation rules), without the placeholder `status`. `IstioMesh` creates one (option `gatewayApiCrds`); create
 * your own to keep CRDs in a chart of their own.
 */
export class GatewayApiCrds extends Construct {
  /** The objects this construct emits (empty for `GatewayApiCrdChannel.NONE`). */
  public readonly apiObjects: ApiObject[];

  public constructor(scope: Construct, id: string, props: GatewayApiCrdsProps = {}) {
    super(scope, id);
    const channel = props.channel ?? GatewayApiCrdChannel.STANDARD;
    check((Object.values(GatewayApiCrdChannel) as string[]).includes(channel), this, 'channel', channel,
      `must be one of ${Object.values(GatewayApiCrdChannel).join(', ')}`);
    const standard = channel === GatewayApiCrdChannel.NONE ? [] : upstreamObjects('standard');
    const objects = channel === GatewayApiCrdChannel.EXPERIMENTAL
      ? [...standard.filter(o => o.kind === 'CustomResourceDefinition'), ...upstreamObjects('experimental'),
        ...standard.filter(o => o.kind !== 'CustomResourceDefinition')]
      : standard;
    const experimental = new Set(channel === GatewayApiCrdChannel.EXPERIMENTAL ? upstreamObjects('experimental') : []);
    this.apiObjects = objects.map(obj => {
      // `status` is the API server's to write; the spec is the generated data as it is
      const { apiVersion, kind, metadata, spec } = obj;
      const from = experimental.has(obj) ? 'experimental' : 'standard';
      const apiObject = new PrerenderedApiObject(this, `${kind}-${metadata.name}`, { apiVersion, kind, metadata: cloneJson(metadata) },
        spec, () => upstreamSpecYaml(from, obj));
      if (props.syncWave) apiObject.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(SyncWave.CRDS));
      return apiObject;
    });
  }
}

/**
 * The upstream objects of a Gateway API channel, as the import task committed them in
 * `imports/crds/`. Loaded on first use only: a plain require, which tsc neither types nor
 * inlines; the compile task copies the JSON next to the compiled imports/ (lib/imports/crds),
 * so the same relative path works from src/install and from lib/src/install.
 */
function upstreamObjects(channel: 'standard' | 'experimental'): any[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return channel === 'standard' ? require('../../imports/crds/gateway-api-standard.json') : require('../../imports/crds/gateway-api-experimental.json');
}

/** The YAML cdk8s writes under `spec:` for an upstream object of a channel's file, and the YAML library's version (see PrerenderedApiObject). */
function upstreamSpecYaml(channel: 'standard' | 'experimental', obj: { kind: string; metadata: { name: string } }): { text: string; yamlVersion: string } {
  const key = `${obj.kind}/${obj.metadata.name}`;
  const file: { yamlVersion: string; specs: Record<string, string> } = channel === 'standard'
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    ? require('../../imports/crds/gateway-api-standard.spec-yaml.json') : require('../../imports/crds/gateway-api-experimental.spec-yaml.json');
  const text = file.specs[key];
  if (text === undefined) throw new Error(`cdk8s-istio: no prerendered spec for ${key}; run \`npx projen import\``);
  return { text, yamlVersion: file.yamlVersion };
}
