import { IConstruct } from 'constructs';
import { qualifyHost } from './host';
import { ServiceEntry } from './service-entry';
import { findSubset } from './subset-registry';
import { IServiceReference } from '../core/kube-refs';
import { check, fail, validateHost, validateIstioLabel, validatePort } from '../core/validation';

/**
 * A named subset of a service's endpoints, defined by a DestinationRule.
 * Obtain one from `DestinationRule.addSubset()` or `DestinationRule.subset(name)`.
 */
export interface ISubset {
  /** The subset name (e.g. `v1`). */
  readonly subsetName: string;
  /** The host of the DestinationRule that defines the subset. */
  readonly host: string;
  /**
   * The namespace of the DestinationRule that defines the subset.
   * @default - the namespace `kubectl` applies to
   */
  readonly namespace?: string;
}

/**
 * Options common to every destination.
 */
export interface DestinationOptions {
  /**
   * The port on the destination host. Required by Istio only when the host exposes more
   * than one port.
   *
   * @default - the service's only port
   */
  readonly port?: number;
}

/**
 * Options for a destination given by host name.
 */
export interface HostDestinationOptions extends DestinationOptions {
  /**
   * A subset defined for this host by a DestinationRule of this app. Checked at synth time.
   *
   * @default - all endpoints of the host
   */
  readonly subset?: string;
}

/**
 * Options for a destination that is a ServiceEntry.
 */
export interface ServiceEntryDestinationOptions extends DestinationOptions {
  /**
   * The host of the ServiceEntry to send traffic to.
   *
   * @default - the entry's first host
   */
  readonly host?: string;
}

/**
 * Where traffic goes: a service in the mesh (optionally a subset of it), or an external host.
 *
 * @example
 * Destination.fromSubset(reviewsRule.subset('v2'));
 * Destination.fromService(productpageService, { port: 9080 });
 * Destination.fromHost('httpbin.org');
 */
export class Destination {
  /**
   * A host the app does not own, by name (`reviews`, `reviews.bookinfo.svc.cluster.local`,
   * `httpbin.org`).
   */
  public static fromHost(host: string, options: HostDestinationOptions = {}): Destination {
    return new Destination(() => host, undefined, options.subset, options.port, options.subset !== undefined);
  }

  /**
   * A Kubernetes Service of this app (a `Service` of any cdk8s-plus 2.x version): rendered as
   * its short name when it lives in the namespace of the resource that routes to it,
   * otherwise as `name.namespace.svc.cluster.local`.
   */
  public static fromService(service: IServiceReference, options: DestinationOptions = {}): Destination {
    return new Destination(() => service.name, () => service.metadata.namespace, undefined, options.port, false);
  }

  /**
   * A ServiceEntry of this app: its first host, or `options.host` when that names another of
   * its hosts. A port the entry does not expose is what `istioctl analyze` reports as IST0101
   * (Istio accepts it), so the mesh analysis reports it at synth.
   */
  public static fromServiceEntry(entry: ServiceEntry, options: ServiceEntryDestinationOptions = {}): Destination {
    const host = options.host ?? entry.hosts[0];
    const port = options.port;
    if (!entry.hosts.includes(host)) {
      fail(undefined, 'Destination.fromServiceEntry host', host, `is not a host of ${entry.node.path}; its hosts are ${entry.hosts.map(h => JSON.stringify(h)).join(', ')}`);
    }
    return new Destination(() => host, undefined, undefined, port, false);
  }

  /**
   * A subset defined by a DestinationRule; the host comes from the rule. For a subset of a
   * rule this app does not own, use `Subset.fromName(host, name)`.
   */
  public static fromSubset(subset: ISubset, options: DestinationOptions = {}): Destination {
    return new Destination(() => subset.host, () => subset.namespace, subset.subsetName, options.port, false);
  }

  private constructor(
    private readonly hostOf: () => string,
    private readonly namespaceOf: (() => string | undefined) | undefined,
    /** The subset name, if any. */
    public readonly subset: string | undefined,
    /** The destination port, if any. */
    public readonly port: number | undefined,
    private readonly subsetNeedsCheck: boolean,
    private readonly synthCheck?: (scope: IConstruct, field: string) => string | undefined,
  ) {}

  /**
   * The host this destination names.
   */
  public get host(): string {
    return this.hostOf();
  }

  /**
   * Renders the Istio `Destination`, validating host, subset name and port.
   * `fromNamespace` is the namespace of the routing resource.
   * @internal
   */
  public _render(scope: IConstruct, field: string, fromNamespace: string | undefined): { host: string; subset?: string; port?: { number: number } } {
    const ownNamespace = this.namespaceOf?.();
    const rawHost = this.hostOf();
    const host = ownNamespace !== undefined && ownNamespace !== fromNamespace ? qualifyHost(rawHost, ownNamespace) : rawHost;
    check(host !== '*', scope, `${field}.host`, host, 'a destination host cannot be "*"; name a host, or a wildcard domain such as "*.example.com"');
    validateHost(scope, `${field}.host`, host);
    validateIstioLabel(scope, `${field}.subset`, this.subset);
    validatePort(scope, `${field}.port`, this.port);
    return {
      host,
      ...(this.subset !== undefined ? { subset: this.subset } : {}),
      ...(this.port !== undefined ? { port: { number: this.port } } : {}),
    };
  }

  /**
   * Synth-time checks: a ServiceEntry destination's port must be one of the entry's, and a
   * subset named by string must be defined by a DestinationRule of this app for the host.
   * Returns an error message, or undefined.
   * @internal
   */
  public _checkSubset(scope: IConstruct, field: string, fromNamespace: string | undefined): string | undefined {
    const error = this.synthCheck?.(scope, field);
    if (error !== undefined) return error;
    if (!this.subsetNeedsCheck || this.subset === undefined) return undefined;
    const host = this.hostOf();
    const { found, known } = findSubset(scope, host, fromNamespace, this.subset);
    if (found) return undefined;
    const valid = known.length > 0
      ? `the DestinationRules for "${host}" define ${known.map(k => JSON.stringify(k)).join(', ')}`
      : `no DestinationRule in this app defines subsets for "${host}"; add one with addSubset("${this.subset}", ...)`;
    return `${scope.node.path}: ${field}.subset "${this.subset}" is invalid: ${valid}`;
  }
}
