import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_ROOT_NAMESPACE } from './security-validation';
import * as k from '../../imports/security.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { fail, validateEnum, validatePort } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * The mutual TLS mode a workload accepts inbound traffic with.
 */
export enum MtlsMode {
  /** Inherit the mode of the parent policy (namespace, then mesh); PERMISSIVE when none sets one. */
  UNSET = 'UNSET',
  /** Accept plain text only; no mutual TLS tunnel. */
  DISABLE = 'DISABLE',
  /** Accept both mutual TLS and plain text. */
  PERMISSIVE = 'PERMISSIVE',
  /** Accept mutual TLS only: clients without a mesh certificate are refused. */
  STRICT = 'STRICT',
}

/**
 * The mutual TLS mode of one workload port.
 */
export interface PortMtls {
  /** The workload (container) port number, not the Service port. */
  readonly port: number;
  /** The mode for that port. */
  readonly mode: MtlsMode;
}

/**
 * Properties of a PeerAuthentication.
 */
export interface PeerAuthenticationProps extends IstioResourceProps {
  /**
   * The mutual TLS mode of the selected workloads.
   *
   * @default - inherited from the namespace-wide, then the mesh-wide policy (PERMISSIVE when none)
   */
  readonly mtls?: MtlsMode;

  /**
   * The workloads the policy applies to. Leave it out for a namespace-wide policy, or a
   * mesh-wide one when the policy lives in the mesh root namespace.
   *
   * @default - every workload in the namespace
   */
  readonly selector?: WorkloadSelector;

  /**
   * Modes for individual workload ports, overriding `mtls`. Requires a `selector`.
   *
   * @default - every port uses `mtls`
   */
  readonly portLevelMtls?: PortMtls[];

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`): a policy there without a
   * selector applies to the whole mesh.
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * Options for the intent helpers `PeerAuthentication.strictMeshWide()` and
 * `PeerAuthentication.strictNamespace()`.
 */
export interface StrictMtlsOptions {
  /**
   * The resource name.
   *
   * @default 'default'
   */
  readonly name?: string;

  /**
   * The mesh root namespace (Istio's `meshConfig.rootNamespace`).
   *
   * @default 'istio-system'
   */
  readonly meshRootNamespace?: string;
}

/**
 * How a workload accepts traffic from its peers: STRICT mutual TLS, PERMISSIVE (mTLS and
 * plain text), or DISABLE. Applies mesh-wide (in the mesh root namespace, without selector),
 * namespace-wide (without selector), or to selected workloads, optionally per port.
 *
 * @example
 * PeerAuthentication.strictMeshWide(chart, 'MeshMtls');
 * new PeerAuthentication(chart, 'Legacy', {
 *   metadata: { namespace: 'bookinfo' },
 *   selector: WorkloadSelector.fromWorkload(ratings),
 *   mtls: MtlsMode.STRICT,
 *   portLevelMtls: [{ port: 9090, mode: MtlsMode.PERMISSIVE }],
 * });
 */
export class PeerAuthentication extends IstioResource {
  /**
   * Requires STRICT mutual TLS for every workload in the mesh: a PeerAuthentication named
   * `default` in the mesh root namespace, without selector.
   */
  public static strictMeshWide(scope: Construct, id: string, options: StrictMtlsOptions = {}): PeerAuthentication {
    const meshRootNamespace = options.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    return new PeerAuthentication(scope, id, {
      metadata: { name: options.name ?? 'default', namespace: meshRootNamespace },
      mtls: MtlsMode.STRICT,
      meshRootNamespace,
    });
  }

  /**
   * Requires STRICT mutual TLS for every workload of one namespace: a PeerAuthentication
   * named `default` in that namespace, without selector.
   */
  public static strictNamespace(scope: Construct, id: string, namespaceName: string, options: StrictMtlsOptions = {}): PeerAuthentication {
    return new PeerAuthentication(scope, id, {
      metadata: { name: options.name ?? 'default', namespace: namespaceName },
      mtls: MtlsMode.STRICT,
      meshRootNamespace: options.meshRootNamespace,
    });
  }

  protected readonly apiObject: ApiObject;
  public readonly resourceType = 'peerauthentications';

  /** The mode of the selected workloads, if set. */
  public readonly mtls?: MtlsMode;
  /** The workloads the policy applies to, if it selects any. */
  public readonly selector?: WorkloadSelector;
  /** The mesh root namespace. */
  public readonly meshRootNamespace: string;

  private readonly ports = new Map<number, MtlsMode>();

  public constructor(scope: Construct, id: string, props: PeerAuthenticationProps = {}) {
    super(scope, id, props);
    validateEnum(this, 'mtls.mode', props.mtls, MtlsMode);
    this.mtls = props.mtls;
    this.selector = props.selector?._asPolicySelector();
    this.meshRootNamespace = props.meshRootNamespace ?? DEFAULT_ROOT_NAMESPACE;
    for (const port of props.portLevelMtls ?? []) this.addPortMtls(port.port, port.mode);

    this.apiObject = new k.PeerAuthentication(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /**
   * Whether the policy applies to the whole mesh (it lives in the mesh root namespace and
   * selects no workloads).
   */
  public get isMeshWide(): boolean {
    return this.selector === undefined && this.namespace === this.meshRootNamespace;
  }

  /** The selector's labels; port-level modes need at least one (the CRD's rule). */
  private selectorLabels(): Record<string, string> {
    const labels = this.selector!._labels(this, 'selector.matchLabels', true);
    if (this.ports.size > 0 && Object.keys(labels).length === 0) {
      fail(this, 'selector.matchLabels', labels, 'portLevelMtls needs a selector with at least one label');
    }
    return labels;
  }

  /**
   * Sets the mutual TLS mode of one workload (container) port. Requires a `selector`.
   */
  public addPortMtls(port: number, mode: MtlsMode): void {
    const field = `portLevelMtls[${JSON.stringify(String(port))}]`;
    if (this.selector === undefined) {
      fail(this, field, mode, 'port-level mTLS needs a workload selector; Istio rejects it on mesh-wide and namespace-wide policies');
    }
    validatePort(this, field, port);
    validateEnum(this, `${field}.mode`, mode, MtlsMode);
    if (this.ports.has(port)) {
      fail(this, field, mode, `port ${port} already has mode ${this.ports.get(port)}; cannot set it again`);
    }
    this.ports.set(port, mode);
  }

  /**
   * The mode of a workload port: its port-level mode, else the policy's mode.
   * @internal
   */
  public _modeFor(port: number | undefined): MtlsMode | undefined {
    const portMode = port === undefined ? undefined : this.ports.get(port);
    return portMode !== undefined && portMode !== MtlsMode.UNSET ? portMode : this.mtls;
  }

  /**
   * The port-level modes, by port.
   * @internal
   */
  public _portModes(): ReadonlyMap<number, MtlsMode> {
    return this.ports;
  }

  /**
   * @internal
   */
  public _toKube(): any {
    const portLevelMtls: Record<string, { mode: string }> = {};
    for (const port of [...this.ports.keys()].sort((a, b) => a - b)) {
      portLevelMtls[String(port)] = { mode: this.ports.get(port)! };
    }
    return {
      ...(this.selector ? { selector: { matchLabels: this.selectorLabels() } } : {}),
      ...(this.mtls !== undefined ? { mtls: { mode: this.mtls } } : {}),
      ...(this.ports.size > 0 ? { portLevelMtls } : {}),
    };
  }
}
