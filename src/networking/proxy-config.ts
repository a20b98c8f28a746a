import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { check, compact } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * The variant of the proxy image.
 */
export enum ProxyImageType {
  /** The default image. */
  DEFAULT = 'default',
  /** The debug image, with debugging tools. */
  DEBUG = 'debug',
  /** The distroless image, without shell or package manager. */
  DISTROLESS = 'distroless',
}

/**
 * Properties of a ProxyConfig.
 */
export interface ProxyConfigProps extends IstioResourceProps {
  /**
   * The workloads whose proxies are configured.
   *
   * @default - every workload in the namespace (the mesh, in the root namespace)
   */
  readonly selector?: WorkloadSelector;

  /**
   * The number of worker threads of the proxy; 0 uses one per CPU core.
   *
   * @default - Istio's default (2)
   */
  readonly concurrency?: number;

  /**
   * Extra environment variables of the proxy (values of at most 2048 characters).
   *
   * @default - none
   */
  readonly environmentVariables?: Record<string, string>;

  /**
   * The variant of the proxy image, applied when the pod is (re)created.
   *
   * @default - the mesh's default image type
   */
  readonly imageType?: ProxyImageType;
}

/**
 * An Istio ProxyConfig: per-workload (or namespace, or mesh) settings of the proxy, such as
 * its worker threads, environment variables and image variant.
 *
 * @example
 * new ProxyConfig(this, 'reviews-proxy', {
 *   selector: WorkloadSelector.fromLabels({ app: 'reviews' }),
 *   concurrency: 0,
 *   environmentVariables: { ISTIO_META_ENABLE_HBONE: 'true' },
 *   imageType: ProxyImageType.DISTROLESS,
 * });
 */
export class ProxyConfig extends IstioResource {
  /** The underlying `networking.istio.io/v1beta1` ProxyConfig object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'proxyconfigs';

  private readonly props: ProxyConfigProps;

  public constructor(scope: Construct, id: string, props: ProxyConfigProps = {}) {
    super(scope, id, props);
    props.selector?._labels(this, 'selector.matchLabels');
    if (props.concurrency !== undefined) {
      check(Number.isInteger(props.concurrency) && props.concurrency >= 0 && props.concurrency <= 2 ** 31 - 1, this, 'concurrency', props.concurrency,
        'must be an integer, 0 (one worker thread per CPU core) or more');
    }
    for (const [name, value] of Object.entries(props.environmentVariables ?? {})) {
      check(typeof value === 'string' && value.length <= 2048, this, `environmentVariables[${JSON.stringify(name)}]`, value,
        'must be a string of at most 2048 characters');
    }
    if (props.imageType !== undefined) {
      check(typeof props.imageType === 'string', this, 'image.imageType', props.imageType, `must be a string such as ${Object.values(ProxyImageType).join(', ')}`);
    }
    this.props = { ...props, environmentVariables: props.environmentVariables ? { ...props.environmentVariables } : undefined };
    this.apiObject = new k.ProxyConfig(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /** @internal */
  public _toKube(): k.ProxyConfigSpec {
    const p = this.props;
    return compact({
      selector: p.selector ? { matchLabels: p.selector._labels(this, 'selector.matchLabels') } : undefined,
      concurrency: p.concurrency,
      environmentVariables: p.environmentVariables,
      image: p.imageType !== undefined ? { imageType: p.imageType } : undefined,
    }) as k.ProxyConfigSpec;
  }
}
