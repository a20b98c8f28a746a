import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { IServiceAccountReference } from '../core/kube-refs';
import { check, compact, fail, isIpAddress, validateInteger, validateLabels } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * The properties a workload (a VM, a bare-metal host) shares with its template in a
 * WorkloadGroup: everything except its address.
 */
export interface WorkloadAttributes {
  /**
   * Ports of the workload by service port name (`{ http: 8080 }`).
   *
   * @default - the service ports
   */
  readonly ports?: Record<string, number>;

  /**
   * Labels of the workload, matched by ServiceEntry and Service selectors and subsets.
   *
   * @default - no labels
   */
  readonly labels?: Record<string, string>;

  /**
   * The network the workload is in (multi-network meshes).
   *
   * @default - the network of the proxy looking at it
   */
  readonly network?: string;

  /**
   * The workload's locality, `region/zone/subzone` (e.g. `us-east1/us-east1-b`).
   *
   * @default - no locality
   */
  readonly locality?: string;

  /**
   * Load-balancing weight relative to the service's other endpoints.
   *
   * @default 1
   */
  readonly weight?: number;

  /**
   * The Kubernetes service account the workload's sidecar runs as (its mTLS identity): a
   * cdk8s-plus ServiceAccount of any 2.x version, or one imported with
   * `ServiceAccount.fromServiceAccountName()`.
   *
   * @default - none
   */
  readonly serviceAccount?: IServiceAccountReference;
}

/**
 * What a WorkloadEntry describes: a workload's attributes and its address.
 */
export interface WorkloadEntryOptions extends WorkloadAttributes {
  /**
   * The workload's address without port: an IP address, a DNS name, or a Unix domain socket
   * `unix:///path` (then without ports).
   *
   * @default - none; then `network` must be set (a workload reached through that network's gateway)
   */
  readonly address?: string;
}

/**
 * Properties of a WorkloadEntry.
 */
export interface WorkloadEntryProps extends IstioResourceProps, WorkloadEntryOptions {}

const UNIX_PREFIX = 'unix://';
const PORT_NAME = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const DNS_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/**
 * Validates a workload's fields. `prefix` is `''` for a WorkloadEntry, `template.` for a
 * WorkloadGroup template; `strict` adds the webhook's checks on a WorkloadEntry (the API
 * server checks only the CRD schema on a template).
 * @internal
 */
export function validateWorkloadFields(scope: IConstruct, prefix: string, w: WorkloadEntryOptions, strict: boolean): void {
  const address = w.address;
  if (strict) {
    check(address !== undefined && address !== '' || w.network !== undefined && w.network !== '', scope, `${prefix}address`, address,
      'is required unless network is set (a workload reached through that network\'s gateway)');
  }
  const unix = address?.startsWith(UNIX_PREFIX) ?? false;
  if (address !== undefined) {
    check(address.length <= 256, scope, `${prefix}address`, address, 'must be at most 256 characters');
    if (unix) {
      const path = address.slice(UNIX_PREFIX.length);
      check(path.startsWith('/') || path.startsWith('@'), scope, `${prefix}address`, address,
        'a Unix domain socket must be an absolute path ("unix:///var/run/app.sock") or an abstract socket ("unix://@app")');
      check(!path.endsWith('/'), scope, `${prefix}address`, address, 'a Unix domain socket cannot be a directory');
      check(w.ports === undefined, scope, `${prefix}ports`, w.ports, 'a Unix domain socket address takes no ports');
    } else if (strict && address !== '' && !isIpAddress(address)) {
      check(isFqdn(address), scope, `${prefix}address`, address,
        'must be an IP address, a DNS name such as "vm-1.example.com" or a Unix domain socket "unix:///path"');
    }
  }
  const ports = Object.entries(w.ports ?? {});
  check(ports.length <= 128, scope, `${prefix}ports`, w.ports, 'may map at most 128 ports');
  for (const [name, number] of ports) {
    check(name.length < 63 && PORT_NAME.test(name) && (!strict || name === name.toLowerCase()), scope, `${prefix}ports key`, name,
      'a port name is a DNS label of at most 62 characters (a-z, 0-9 and "-")');
    check(Number.isInteger(number) && number >= 1 && number <= 65535, scope, `${prefix}ports[${JSON.stringify(name)}]`, number,
      'must be an integer port number from 1 to 65535');
  }
  if (w.labels !== undefined) {
    check(Object.keys(w.labels).length <= 256, scope, `${prefix}labels`, w.labels, 'may hold at most 256 labels');
    if (strict) validateLabels(scope, `${prefix}labels`, w.labels);
    for (const [key, value] of Object.entries(w.labels)) {
      check(typeof value === 'string', scope, `${prefix}labels[${JSON.stringify(key)}]`, value, 'must be a string');
    }
  }
  if (w.network !== undefined) check(w.network.length <= 2048, scope, `${prefix}network`, w.network, 'must be at most 2048 characters');
  if (w.locality !== undefined) check(w.locality.length <= 2048, scope, `${prefix}locality`, w.locality, 'must be at most 2048 characters');
  validateInteger(scope, `${prefix}weight`, w.weight, 0, 4294967295);
  if (w.serviceAccount !== undefined) {
    const name = w.serviceAccount.name;
    check(typeof name === 'string' && name.length <= 253, scope, `${prefix}serviceAccount`, name, 'must be a service account name of at most 253 characters');
  }
}

/**
 * Renders a workload's fields.
 * @internal
 */
export function renderWorkloadFields(w: WorkloadEntryOptions): Record<string, unknown> {
  return compact({
    address: w.address,
    ports: w.ports && Object.keys(w.ports).length > 0 ? { ...w.ports } : undefined,
    labels: w.labels && Object.keys(w.labels).length > 0 ? { ...w.labels } : undefined,
    network: w.network,
    locality: w.locality,
    weight: w.weight,
    serviceAccount: w.serviceAccount?.name,
  });
}

/**
 * An Istio WorkloadEntry: a workload outside Kubernetes (a VM, a bare-metal host) with its
 * address, labels and identity, so ServiceEntries (and Kubernetes Services) can select it
 * like a pod.
 *
 * @example
 * const vm = new WorkloadEntry(this, 'details-vm', {
 *   address: '10.0.0.17',
 *   labels: { app: 'details', version: 'v1' },
 *   serviceAccount: detailsServiceAccount,
 * });
 * new ServiceEntry(this, 'details', { hosts: ['details.bookinfo.com'], resolution: ServiceEntryResolution.STATIC,
 *   workloadSelector: vm.selector, ports: [...] });
 */
export class WorkloadEntry extends IstioResource {
  /** The underlying `networking.istio.io/v1` WorkloadEntry object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'workloadentries';

  private readonly options: WorkloadEntryOptions;

  public constructor(scope: Construct, id: string, props: WorkloadEntryProps = {}) {
    super(scope, id, props);
    validateWorkloadFields(this, '', props, true);
    this.options = {
      ...props,
      ports: props.ports ? { ...props.ports } : undefined,
      labels: props.labels ? { ...props.labels } : undefined,
    };
    this.apiObject = new k.WorkloadEntry(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /** The workload's address. */
  public get address(): string | undefined {
    return this.options.address;
  }

  /** The workload's labels. */
  public get labels(): Record<string, string> {
    return { ...this.options.labels };
  }

  /**
   * A selector for this workload's labels, for a ServiceEntry's `workloadSelector`.
   */
  public get selector(): WorkloadSelector {
    if (!this.options.labels || Object.keys(this.options.labels).length === 0) {
      fail(this, 'labels', this.options.labels, 'a WorkloadEntry without labels cannot be selected; give it labels such as { app: "details" }');
    }
    return WorkloadSelector.fromLabels(this.options.labels);
  }

  /** @internal */
  public _toKube(): k.WorkloadEntrySpec {
    return renderWorkloadFields(this.options) as k.WorkloadEntrySpec;
  }
}

/** A DNS name as Istio's ValidateFQDN reads it: labels of letters, digits and "-", a non-numeric top-level label. */
function isFqdn(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  const parts = name.split('.');
  if (/^\d+$/.test(parts[parts.length - 1])) return false;
  return parts.every((label, i) => (i === parts.length - 1 && i > 0 && label === '') || (label.length <= 63 && DNS_LABEL.test(label)));
}
