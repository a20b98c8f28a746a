import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_ADDON_NAMESPACE, renderQuantity, serviceUrl } from './common';
import { check, validateDnsLabel } from '../core/validation';

/**
 * Options every observability addon accepts.
 */
export interface AddonOptions {
  /**
   * The container image, as a full reference (`registry/repository:tag` or `@sha256:` digest).
   *
   * @default - the addon's `DEFAULT_IMAGE`, the image and tag the Istio 1.30.3 samples use
   */
  readonly image?: string;

  /**
   * CPU and memory requests and limits of the main container.
   *
   * @default - small requests and a memory limit, listed in each addon's documentation
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * An addon other constructs can reach inside the cluster: its Service, port and URL.
 */
export interface IAddonEndpoint extends IConstruct {
  /** The namespace the addon runs in. */
  readonly namespace: string;
  /** The name of the addon's main Service. */
  readonly serviceName: string;
  /** The port of the addon's main Service. */
  readonly port: number;
  /** The in-cluster URL of the addon, e.g. `http://prometheus.istio-system:9090`. */
  readonly url: string;
}

/**
 * Where an addon keeps its data.
 */
export class AddonStorage {
  /**
   * An `emptyDir` volume: data lives as long as the pod.
   *
   * @param sizeLimit the most the volume may hold; the pod is evicted beyond it. @default - no limit
   */
  public static ephemeral(sizeLimit?: Size): AddonStorage {
    return new AddonStorage(false, sizeLimit);
  }

  /**
   * A PersistentVolumeClaim (ReadWriteOnce): data survives pod restarts.
   *
   * @param size the capacity to request
   */
  public static persistent(size: Size, options: PersistentStorageOptions = {}): AddonStorage {
    return new AddonStorage(true, size, options.storageClassName);
  }

  private constructor(
    /** Whether the data is kept in a PersistentVolumeClaim. */
    public readonly isPersistent: boolean,
    /** The claim size, or the `emptyDir` size limit. */
    public readonly size?: Size,
    /** The storage class of the claim. */
    public readonly storageClassName?: string,
  ) {}

  /** @internal */
  public _validate(scope: IConstruct, field: string): void {
    if (this.size !== undefined) {
      const mib = this.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
      check(mib >= 1, scope, `${field}.size`, renderQuantity(this.size), 'must be at least 1Mi');
    }
    if (this.storageClassName !== undefined) {
      validateDnsLabel(scope, `${field}.storageClassName`, this.storageClassName);
    }
  }

  /** @internal The `volumes[]` entry of a Deployment pod (a claim named `claimName` when persistent). */
  public _podVolume(volumeName: string, claimName: string): any {
    if (this.isPersistent) {
      return { name: volumeName, persistentVolumeClaim: { claimName } };
    }
    return { name: volumeName, emptyDir: this.size ? { sizeLimit: renderQuantity(this.size) } : {} };
  }

  /** @internal The spec of the claim. */
  public _claimSpec(): any {
    return {
      accessModes: ['ReadWriteOnce'],
      storageClassName: this.storageClassName,
      resources: { requests: { storage: renderQuantity(this.size!) } },
    };
  }
}

/**
 * Options of a persistent volume claim.
 */
export interface PersistentStorageOptions {
  /**
   * The storage class to provision the volume from.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
}


/**
 * Base class of the observability addons: a construct that runs one tool in the cluster and
 * knows how to reach it.
 */
export abstract class ObservabilityAddon extends Construct implements IAddonEndpoint {
  public readonly namespace: string;
  public abstract readonly serviceName: string;
  public abstract readonly port: number;

  protected constructor(scope: Construct, id: string, namespace: string | undefined) {
    super(scope, id);
    this.namespace = namespace ?? DEFAULT_ADDON_NAMESPACE;
    validateDnsLabel(this, 'namespace', this.namespace);
  }

  /** The in-cluster URL of the addon, e.g. `http://prometheus.istio-system:9090`. */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespace, this.port);
  }

  /** The fully qualified host name of the addon's main Service. */
  public get host(): string {
    return `${this.serviceName}.${this.namespace}.svc.cluster.local`;
  }
}
