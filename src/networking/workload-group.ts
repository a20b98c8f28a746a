import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { WorkloadEntry, WorkloadEntryOptions, renderWorkloadFields, validateWorkloadFields } from './workload-entry';
import * as k from '../../imports/networking.istio.io';
import { IstioResource, IstioResourceProps } from '../core/istio-resource';
import { kebab } from '../core/naming';
import { check, compact, fail, validateLabels, validatePort } from '../core/validation';
import { WorkloadSelector } from '../core/workload-selector';

/**
 * The scheme of an HTTP readiness check.
 */
export enum ProbeScheme {
  /** Plain HTTP. */
  HTTP = 'HTTP',
  /** HTTPS (the certificate is not verified). */
  HTTPS = 'HTTPS',
}

/**
 * Timing and thresholds of a readiness probe.
 */
export interface ProbeOptions {
  /** Delay after the workload starts before the first probe (whole seconds). @default - no delay */
  readonly initialDelay?: Duration;
  /** Time after which a probe times out (whole seconds). @default Duration.seconds(1) */
  readonly timeout?: Duration;
  /** How often to probe (whole seconds). @default Duration.seconds(10) */
  readonly period?: Duration;
  /** Consecutive successes after a failure before the workload is ready again. @default 1 */
  readonly successThreshold?: number;
  /** Consecutive failures before the workload is not ready. @default 3 */
  readonly failureThreshold?: number;
}

/**
 * An HTTP header sent with an HTTP readiness check.
 */
export interface ProbeHeader {
  /** The header name, letters, digits, `-` and `_`. */
  readonly name: string;
  /** The header value. */
  readonly value: string;
}

/**
 * Options of an HTTP readiness check.
 */
export interface HttpGetProbeOptions extends ProbeOptions {
  /** The path to request. @default '/' */
  readonly path?: string;
  /** The host to connect to. @default - the workload's address */
  readonly host?: string;
  /** HTTP or HTTPS. @default ProbeScheme.HTTP */
  readonly scheme?: ProbeScheme;
  /** Headers to send. @default - none */
  readonly httpHeaders?: ProbeHeader[];
}

/**
 * Options of a TCP readiness check.
 */
export interface TcpSocketProbeOptions extends ProbeOptions {
  /** The host to connect to. @default - the workload's address */
  readonly host?: string;
}

/**
 * Options of a gRPC health check.
 */
export interface GrpcProbeOptions extends ProbeOptions {
  /** The service name sent in the gRPC HealthCheckRequest. @default - the server's overall health */
  readonly service?: string;
}

/**
 * How the proxy of a workload in a WorkloadGroup checks that the workload is ready.
 *
 * @example
 * ReadinessProbe.httpGet(8080, { path: '/ready', period: Duration.seconds(5) });
 * ReadinessProbe.tcpSocket(3306);
 * ReadinessProbe.exec(['/bin/check-ready']);
 */
export class ReadinessProbe {
  /** An HTTP GET to `port` that succeeds with a 2xx or 3xx status. */
  public static httpGet(port: number, options: HttpGetProbeOptions = {}): ReadinessProbe {
    return new ReadinessProbe(options, (scope, field) => {
      validatePort(scope, `${field}.httpGet.port`, port);
      if (options.scheme !== undefined) {
        check(Object.values(ProbeScheme).includes(options.scheme), scope, `${field}.httpGet.scheme`, options.scheme, 'must be HTTP or HTTPS');
      }
      (options.httpHeaders ?? []).forEach((h, i) => check(/^[-_A-Za-z0-9]+$/.test(h.name ?? ''), scope, `${field}.httpGet.httpHeaders[${i}].name`, h.name,
        'must be a header name of letters, digits, "-" and "_"'));
      return {
        httpGet: compact({
          path: options.path,
          port,
          host: options.host,
          scheme: options.scheme,
          httpHeaders: options.httpHeaders && options.httpHeaders.length > 0
            ? options.httpHeaders.map(h => ({ name: h.name, value: h.value }))
            : undefined,
        }),
      };
    });
  }

  /** A TCP connection to `port` that can be opened. */
  public static tcpSocket(port: number, options: TcpSocketProbeOptions = {}): ReadinessProbe {
    return new ReadinessProbe(options, (scope, field) => {
      validatePort(scope, `${field}.tcpSocket.port`, port);
      return { tcpSocket: compact({ host: options.host, port }) };
    });
  }

  /** A command run on the workload's host that exits with status 0. */
  public static exec(command: string[], options: ProbeOptions = {}): ReadinessProbe {
    const argv = [...command];
    return new ReadinessProbe(options, (scope, field) => {
      check(argv.length > 0, scope, `${field}.exec.command`, argv, 'is required: the command and its arguments');
      argv.forEach((c, i) => check(typeof c === 'string' && c.length > 0, scope, `${field}.exec.command[${i}]`, c, 'must not be empty'));
      return { exec: { command: [...argv] } };
    });
  }

  /** A gRPC health check on `port`. */
  public static grpc(port: number, options: GrpcProbeOptions = {}): ReadinessProbe {
    return new ReadinessProbe(options, (scope, field) => {
      validatePort(scope, `${field}.grpc.port`, port);
      return { grpc: compact({ port, service: options.service }) };
    });
  }

  private constructor(
    private readonly options: ProbeOptions,
    private readonly method: (scope: IConstruct, field: string) => Record<string, unknown>,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): Record<string, unknown> {
    const o = this.options;
    return compact({
      initialDelaySeconds: seconds(scope, `${field}.initialDelaySeconds`, o.initialDelay),
      timeoutSeconds: seconds(scope, `${field}.timeoutSeconds`, o.timeout),
      periodSeconds: seconds(scope, `${field}.periodSeconds`, o.period),
      successThreshold: count(scope, `${field}.successThreshold`, o.successThreshold),
      failureThreshold: count(scope, `${field}.failureThreshold`, o.failureThreshold),
      ...this.method(scope, field),
    });
  }
}

function seconds(scope: IConstruct, field: string, duration: Duration | undefined): number | undefined {
  if (duration === undefined) return undefined;
  const s = duration.toSeconds({ integral: false });
  check(Number.isInteger(s) && s >= 0 && s <= 2 ** 31 - 1, scope, field, duration, 'must be a whole number of seconds, 0 or more');
  return s;
}

function count(scope: IConstruct, field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  check(Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1, scope, field, value, 'must be an integer, 0 or more');
  return value;
}

/**
 * Labels and annotations Istio puts on every WorkloadEntry of a group.
 */
export interface WorkloadGroupEntryMetadata {
  /** Labels of the WorkloadEntry objects. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations of the WorkloadEntry objects. @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * Properties of a WorkloadGroup.
 */
export interface WorkloadGroupProps extends IstioResourceProps {
  /**
   * The template of the group's WorkloadEntries: what the workloads share (labels, ports,
   * service account, network, locality, weight). Istio fills in each workload's address
   * when it registers; `addWorkloadEntry()` creates one from the template here.
   */
  readonly template: WorkloadEntryOptions;

  /**
   * Labels and annotations of the group's WorkloadEntry objects (`spec.metadata`).
   *
   * @default - none
   */
  readonly entryMetadata?: WorkloadGroupEntryMetadata;

  /**
   * How the proxy checks that a workload is ready.
   *
   * @default - none: a workload is ready when its proxy connects
   */
  readonly probe?: ReadinessProbe;
}

/**
 * Options of a WorkloadEntry created from a group's template.
 */
export interface WorkloadGroupEntryOptions extends WorkloadEntryOptions {
  /**
   * The WorkloadEntry's name.
   *
   * @default - `<group name>-<id>`
   */
  readonly name?: string;
}

/**
 * An Istio WorkloadGroup: the template of a set of workloads outside Kubernetes (VMs), like
 * a Deployment's pod template. Istio creates WorkloadEntries from it when VMs register
 * (auto-registration); `addWorkloadEntry()` declares one for a known VM.
 *
 * @example
 * const group = new WorkloadGroup(this, 'ratings-vms', {
 *   template: { labels: { app: 'ratings' }, ports: { http: 9080 }, serviceAccount: ratingsServiceAccount },
 *   probe: ReadinessProbe.httpGet(9080, { path: '/health' }),
 * });
 * group.addWorkloadEntry('vm-1', { address: '10.0.0.21' });
 */
export class WorkloadGroup extends IstioResource {
  /** The underlying `networking.istio.io/v1` WorkloadGroup object. */
  protected readonly apiObject: ApiObject;

  /** The Kubernetes resource type, for RBAC rules. */
  public readonly resourceType = 'workloadgroups';

  private readonly template: WorkloadEntryOptions;
  private readonly entryMetadata?: WorkloadGroupEntryMetadata;
  private readonly probe?: ReadinessProbe;
  private readonly entries: WorkloadEntry[] = [];

  public constructor(scope: Construct, id: string, props: WorkloadGroupProps) {
    super(scope, id, props);
    check(props.template !== undefined && props.template !== null && typeof props.template === 'object', this, 'template', props.template,
      'is required: the attributes the group\'s workloads share, e.g. { labels: { app: "ratings" } }');
    validateWorkloadFields(this, 'template.', props.template, false);
    const md = props.entryMetadata;
    if (md) {
      validateLabels(this, 'metadata.labels', md.labels);
      check(Object.keys(md.labels ?? {}).length <= 256, this, 'metadata.labels', md.labels, 'may hold at most 256 labels');
      check(Object.keys(md.annotations ?? {}).length <= 256, this, 'metadata.annotations', md.annotations, 'may hold at most 256 annotations');
    }
    this.template = { ...props.template, ports: copy(props.template.ports), labels: copy(props.template.labels) };
    this.entryMetadata = md ? { labels: copy(md.labels), annotations: copy(md.annotations) } : undefined;
    this.probe = props.probe;
    this.probe?._render(this, 'probe');
    this.apiObject = new k.WorkloadGroup(this, 'Resource', {
      metadata: this.metadataWithDefaultName(props.metadata),
      spec: Lazy.any({ produce: () => this._toKube() }),
    });
  }

  /** The labels every workload of the group carries. */
  public get labels(): Record<string, string> {
    return { ...this.template.labels };
  }

  /**
   * A selector for the group's workloads (their template labels), for a ServiceEntry's
   * `workloadSelector`.
   */
  public get selector(): WorkloadSelector {
    if (!this.template.labels || Object.keys(this.template.labels).length === 0) {
      fail(this, 'template.labels', this.template.labels, 'a WorkloadGroup without template labels cannot be selected; give the template labels such as { app: "ratings" }');
    }
    return WorkloadSelector.fromLabels(this.template.labels);
  }

  /** The WorkloadEntries created with `addWorkloadEntry()`. */
  public get workloadEntries(): WorkloadEntry[] {
    return [...this.entries];
  }

  /**
   * Creates a WorkloadEntry for one workload of the group, from the template: its labels,
   * ports, service account, network, locality and weight, overridden or extended by
   * `options`; its metadata carries the group's `entryMetadata` and namespace.
   */
  public addWorkloadEntry(id: string, options: WorkloadGroupEntryOptions): WorkloadEntry {
    const t = this.template;
    const groupName = this.metadata.name;
    const entry = new WorkloadEntry(this, id, {
      metadata: {
        name: options.name ?? `${groupName}-${kebab(id)}`,
        namespace: this.namespace,
        labels: copy(this.entryMetadata?.labels),
        annotations: copy(this.entryMetadata?.annotations),
      },
      address: options.address,
      ports: t.ports || options.ports ? { ...t.ports, ...options.ports } : undefined,
      labels: t.labels || options.labels ? { ...t.labels, ...options.labels } : undefined,
      network: options.network ?? t.network,
      locality: options.locality ?? t.locality,
      weight: options.weight ?? t.weight,
      serviceAccount: options.serviceAccount ?? t.serviceAccount,
    });
    this.entries.push(entry);
    return entry;
  }

  /** @internal */
  public _toKube(): k.WorkloadGroupSpec {
    const md = this.entryMetadata;
    // `template` is required, even when empty.
    return {
      ...compact({ metadata: md ? compact({ labels: md.labels, annotations: md.annotations }) : undefined }),
      template: renderWorkloadFields(this.template),
      ...compact({ probe: this.probe?._render(this, 'probe') }),
    } as unknown as k.WorkloadGroupSpec;
  }
}

function copy<T extends object>(value: T | undefined): T | undefined {
  return value ? { ...value } : undefined;
}
