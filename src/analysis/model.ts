import { CLUSTER_DOMAIN, covers, serviceOf, toFqdn } from './hosts';
import { LabelIndex, labelSelector, parseSelector, Selector } from './labels';
import { EffectiveMtls, PeerAuthenticationIndex } from './mtls-mode';
import { isObject, Json, objects, Origin, Resource, stringMap, strings } from './resource';

/**
 * The mesh model: every object of an app (or of a set of YAML files) indexed the way Istio
 * relates them: Services and ServiceEntries by host, workloads by the labels of their pod
 * templates, Istio configuration by kind and namespace, and the mesh config. The analyzers
 * read it; a mesh graph can be drawn from it. Internal.
 */

/** Mesh configs as this library rendered them, by their YAML: the analysis needs no YAML parser for them. */
const renderedMeshConfigs = new Map<string, Json>();

/**
 * Records the JSON of a mesh config this library wrote as YAML into an `istio` ConfigMap, so
 * the analysis reads it without parsing the YAML back. Keeps the last few. Internal.
 */
export function rememberMeshConfig(yaml: string, json: Json): void {
  renderedMeshConfigs.delete(yaml);
  renderedMeshConfigs.set(yaml, json);
  if (renderedMeshConfigs.size > 8) renderedMeshConfigs.delete(renderedMeshConfigs.keys().next().value!);
}

/** The controllers whose pod templates the model resolves selectors against. */
const POD_TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** A set of pods: a Pod, or the pod template of a controller. */
export interface Workload {
  readonly resource: Resource;
  readonly namespace: string;
  /** Labels of the pods. */
  readonly labels: Record<string, string>;
  /** Annotations of the pods. */
  readonly annotations: Record<string, string>;
  /** The pod spec. */
  readonly podSpec: Json;
}

/** A host in the service registry: a Kubernetes Service or a ServiceEntry. */
export interface RegistryHost {
  readonly resource: Resource;
  readonly host: string;
  /** Service ports: number, name and protocol. */
  readonly ports: ReadonlyArray<{ number: number; name: string; protocol?: string; targetPort?: string }>;
  /** The selector of the pods behind it; undefined when it selects none (external hosts). */
  readonly selector?: Selector;
}

/** How the model is built. */
export interface ModelOptions {
  /**
   * Whether the objects are all there is (istioctl offline): a reference to something absent
   * is a finding. When false (synthesis of an app that may be deployed beside other things),
   * only references into namespaces where the objects define things of that kind are checked.
   */
  readonly complete: boolean;
  /** Mesh config (`MeshConfig` as JSON) given from outside; overrides the `istio` ConfigMap. */
  readonly meshConfig?: Json;
  /**
   * Assume `istio-system/istio-ingressgateway` (pods `istio: ingressgateway`, ports
   * 80/443/31400/15443) when no workload carries `istio: ingressgateway`, as istioctl does.
   */
  readonly assumeIngressGateway: boolean;
}

/** One object and where it came from, as the model takes it. */
export interface ModelInput {
  readonly json: Json;
  readonly origin?: Origin;
}

export class MeshModel {
  public readonly resources: Resource[] = [];
  public readonly workloads = new LabelIndex<Workload>();
  public readonly workloadList: Workload[] = [];
  /** The mesh config: the `mesh` key of the `istio` ConfigMap, or given. */
  public readonly meshConfig: Json;
  public readonly rootNamespace: string;
  /** Objects the model assumed (the default ingress gateway); never reported on. */
  public readonly assumed = new Set<Resource>();
  public readonly complete: boolean;

  private readonly byKind = new Map<string, Resource[]>();
  private readonly byFamily = new Map<string, Resource[]>();
  private readonly namespaceObjects = new Map<string, Resource>();
  private readonly services = new Map<string, RegistryHost>();
  private readonly servicesByNamespace = new Map<string, RegistryHost[]>();
  /** Services by one `key=value` of their selector (the first), for finding the Services of a workload. */
  private readonly servicesBySelectorPair = new Map<string, RegistryHost[]>();
  private readonly entryHosts = new Map<string, RegistryHost[]>();
  private readonly wildcardEntryHosts: RegistryHost[] = [];
  private readonly gatewaysByName = new Map<string, Resource>();
  private readonly secretsByName = new Map<string, Resource>();
  private readonly kindsInNamespace = new Set<string>();
  private peerAuthIndex?: PeerAuthenticationIndex;
  private drIndex?: { exact: Map<string, Resource[]>; wildcard: Resource[] };

  public constructor(inputs: readonly ModelInput[], options: ModelOptions) {
    this.complete = options.complete;
    for (const input of inputs) {
      if (!isObject(input.json)) continue;
      this.add(new Resource(input.json, input.origin));
    }
    this.meshConfig = options.meshConfig ?? this.meshConfigFromObjects() ?? {};
    this.rootNamespace = typeof this.meshConfig.rootNamespace === 'string' ? this.meshConfig.rootNamespace : 'istio-system';
    if (options.assumeIngressGateway
      && !this.workloadList.some(w => w.labels.istio === 'ingressgateway')) {
      this.assumeIngressGateway();
    }
  }

  /** Objects of a kind, in the Istio groups (`*.istio.io`). */
  public istio(kind: string): Resource[] {
    return this.filtered('istio', kind, r => r.group.endsWith('istio.io'));
  }

  /** Objects of a kind of the core, apps, batch or admission groups (Kubernetes' own). */
  public kube(kind: string): Resource[] {
    return this.filtered('kube', kind, r => !r.group.includes('.') || (r.group.endsWith('.k8s.io') && !r.group.startsWith('gateway.')));
  }

  /** Objects of a kind of the Kubernetes Gateway API (`gateway.networking.k8s.io`). */
  public gatewayApi(kind: string): Resource[] {
    return this.filtered('gateway-api', kind, r => r.group === 'gateway.networking.k8s.io' || r.group === 'gateway.networking.x-k8s.io');
  }

  private filtered(family: string, kind: string, keep: (r: Resource) => boolean): Resource[] {
    const key = `${family}\u0000${kind}`;
    let list = this.byFamily.get(key);
    if (!list) {
      list = this.ofKind(kind).filter(keep);
      this.byFamily.set(key, list);
    }
    return list;
  }

  public ofKind(kind: string): Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** The Namespace object of that name, when the objects define it. */
  public namespaceObject(name: string): Resource | undefined {
    return this.namespaceObjects.get(name);
  }

  /** Every namespace that holds an object or has a Namespace object. */
  public namespaces(): string[] {
    const names = new Set<string>(this.namespaceObjects.keys());
    for (const r of this.resources) if (r.namespace !== undefined && !this.assumed.has(r)) names.add(r.namespace);
    return [...names].sort();
  }

  /**
   * Whether a missing object of `kind` in `namespace` is a finding: always when the objects
   * are complete, otherwise when they define objects of that kind there.
   */
  public expects(kind: string, namespace: string | undefined): boolean {
    return this.complete || this.kindsInNamespace.has(`${kind}\u0000${namespace ?? ''}`);
  }

  /** The Kubernetes Service `namespace/name`. */
  public service(namespace: string, name: string): RegistryHost | undefined {
    return this.services.get(`${name}.${namespace}.${CLUSTER_DOMAIN}`);
  }

  public servicesIn(namespace: string): readonly RegistryHost[] {
    return this.servicesByNamespace.get(namespace) ?? [];
  }

  /** The Kubernetes Services whose selector selects the workload's pods. */
  public servicesSelecting(workload: Workload): RegistryHost[] {
    const result: RegistryHost[] = [];
    for (const [k, v] of Object.entries(workload.labels)) {
      for (const svc of this.servicesBySelectorPair.get(`${workload.namespace}\u0000${k}\u0000${v}`) ?? []) {
        if (Object.entries(svc.selector!.matchLabels).every(([sk, sv]) => workload.labels[sk] === sv)) result.push(svc);
      }
    }
    return result;
  }

  /** Every Kubernetes Service. */
  public allServices(): RegistryHost[] {
    return [...this.services.values()];
  }

  /**
   * What a destination host written in `namespace` resolves to: a Service by its FQDN, or a
   * ServiceEntry host (exact, or a wildcard ServiceEntry host that covers it).
   */
  public lookupHost(host: string, namespace: string): RegistryHost | undefined {
    const fqdn = toFqdn(host, namespace);
    const service = this.services.get(fqdn);
    if (service) return service;
    const entries = this.entryHosts.get(fqdn);
    if (entries && entries.length > 0) return entries[0];
    if (fqdn.startsWith('*')) return undefined;
    return this.wildcardEntryHosts.find(e => covers(e.host, fqdn));
  }

  /** The registry hosts a (possibly wildcard) host pattern written in `namespace` covers. */
  public hostsCoveredBy(pattern: string, namespace: string): RegistryHost[] {
    const fqdn = toFqdn(pattern, namespace);
    if (!fqdn.startsWith('*')) {
      const h = this.lookupHost(pattern, namespace);
      return h ? [h] : [];
    }
    const all = [...this.services.values(), ...[...this.entryHosts.values()].flat()];
    return all.filter(h => covers(fqdn, h.host));
  }

  /** The Istio Gateway `namespace/name`. */
  public gateway(namespace: string, name: string): Resource | undefined {
    return this.gatewaysByName.get(`${namespace}/${name}`);
  }

  /** The Secret `namespace/name`. */
  public secret(namespace: string, name: string): Resource | undefined {
    return this.secretsByName.get(`${namespace}/${name}`);
  }

  /** Workloads in `namespace` that `selector` selects. */
  public selectWorkloads(namespace: string, selector: Selector): Workload[] {
    return this.workloads.select(namespace, selector);
  }

  /** The workloads behind a registry host. */
  public workloadsOf(host: RegistryHost): Workload[] {
    if (!host.selector || !host.resource.namespace) return [];
    return this.workloads.select(host.resource.namespace, host.selector);
  }

  /**
   * Whether an object with `exportTo` (VirtualService, DestinationRule, ServiceEntry) is
   * visible from `namespace`: no `exportTo` or `*` exports it everywhere, `.` to its own
   * namespace, a name to that namespace, `~` to none.
   */
  public visibleFrom(resource: Resource, namespace: string): boolean {
    const exportTo = strings(resource.spec.exportTo);
    if (exportTo.length === 0) return true;
    return exportTo.some(e => e === '*' || e === namespace || (e === '.' && resource.namespace === namespace));
  }

  /**
   * The DestinationRule that applies to calls to the host `fqdn` from `namespace`, as istiod
   * picks it: one in the caller's namespace, then one in the host's namespace, then one in
   * the root namespace; each visible from the caller (`exportTo`), an exact host before a
   * wildcard one.
   */
  public destinationRuleFor(fqdn: string, namespace: string): Resource | undefined {
    const index = this.destinationRuleIndex();
    const candidates = [...(index.exact.get(fqdn) ?? []), ...index.wildcard.filter(dr => covers(toFqdn(dr.spec.host, dr.namespace!), fqdn))]
      .filter(dr => this.visibleFrom(dr, namespace));
    const hostNamespace = serviceNamespaceOf(fqdn);
    for (const ns of [namespace, hostNamespace, this.rootNamespace]) {
      const inNs = candidates.filter(dr => dr.namespace === ns);
      const exact = inNs.find(dr => toFqdn(String(dr.spec.host), dr.namespace!) === fqdn);
      if (exact ?? inNs[0]) return exact ?? inNs[0];
    }
    return candidates[0];
  }

  /**
   * The subset `name` of the DestinationRule for `host` (written in `namespace`): its
   * DestinationRule, its labels combined with the Service's selector, and the workloads
   * they select. Undefined when no DestinationRule defines the subset.
   */
  public subset(host: string, namespace: string, name: string): SubsetResolution | undefined {
    const fqdn = toFqdn(host, namespace);
    const rule = this.destinationRuleFor(fqdn, namespace);
    const subset = rule ? objects(rule.spec.subsets).find(s => s.name === name) : undefined;
    if (!rule || !subset) return undefined;
    const registry = this.lookupHost(host, namespace);
    const labels = { ...(registry?.selector?.matchLabels ?? {}), ...stringMap(subset.labels) };
    const workloadNamespace = registry?.resource.namespace ?? serviceNamespaceOf(fqdn);
    const workloads = registry?.selector && workloadNamespace ? this.workloads.select(workloadNamespace, labelSelector(labels)) : [];
    return { rule, name, labels: stringMap(subset.labels), workloads };
  }

  /**
   * The effective mutual TLS mode of a workload: workload, namespace and mesh-wide
   * PeerAuthentications combined, with the port-level modes.
   */
  public mtlsOf(workload: Workload): EffectiveMtls {
    return this.peerAuthentications().of(workload);
  }

  /** The mutual TLS mode a namespace gives its workloads without a workload policy. */
  public namespaceMtls(namespace: string): EffectiveMtls {
    return this.peerAuthentications().namespaceMode(namespace);
  }

  /** DestinationRules by the FQDN of their host; wildcard hosts apart. */
  private destinationRuleIndex(): { exact: Map<string, Resource[]>; wildcard: Resource[] } {
    if (this.drIndex) return this.drIndex;
    const index = { exact: new Map<string, Resource[]>(), wildcard: [] as Resource[] };
    for (const dr of this.istio('DestinationRule')) {
      if (typeof dr.spec.host !== 'string' || dr.spec.host === '') continue;
      const host = toFqdn(dr.spec.host, dr.namespace!);
      if (host.startsWith('*')) {
        index.wildcard.push(dr);
      } else {
        const list = index.exact.get(host);
        if (list) list.push(dr);
        else index.exact.set(host, [dr]);
      }
    }
    return this.drIndex = index;
  }

  private peerAuthentications(): PeerAuthenticationIndex {
    return this.peerAuthIndex ??= new PeerAuthenticationIndex(this);
  }

  private add(r: Resource): void {
    this.peerAuthIndex = undefined;
    this.drIndex = undefined;
    this.byFamily.clear();
    this.resources.push(r);
    const list = this.byKind.get(r.kind);
    if (list) list.push(r);
    else this.byKind.set(r.kind, [r]);
    this.kindsInNamespace.add(`${r.kind}\u0000${r.namespace ?? ''}`);
    if (r.kind === 'Namespace' && r.group === '') this.namespaceObjects.set(r.name, r);
    if (r.kind === 'Secret' && r.group === '') this.secretsByName.set(r.fullName, r);
    if (r.kind === 'Gateway' && r.group.endsWith('istio.io')) this.gatewaysByName.set(r.fullName, r);
    if (r.kind === 'Service' && r.group === '') this.addService(r);
    if (r.kind === 'ServiceEntry' && r.group.endsWith('istio.io')) this.addServiceEntry(r);
    this.addWorkload(r);
  }

  private addService(r: Resource): void {
    const fqdn = `${r.name}.${r.namespace}.${CLUSTER_DOMAIN}`;
    const selector = stringMap(r.spec.selector);
    const host: RegistryHost = {
      resource: r,
      host: fqdn,
      ports: objects(r.spec.ports).map(p => ({
        number: Number(p.port),
        name: typeof p.name === 'string' ? p.name : '',
        protocol: typeof p.protocol === 'string' ? p.protocol : undefined,
        targetPort: p.targetPort === undefined ? undefined : String(p.targetPort),
      })),
      selector: Object.keys(selector).length > 0 ? labelSelector(selector) : undefined,
    };
    this.services.set(fqdn, host);
    const first = Object.keys(selector).sort()[0];
    if (first !== undefined) {
      const key = `${r.namespace}\u0000${first}\u0000${selector[first]}`;
      const bucket = this.servicesBySelectorPair.get(key);
      if (bucket) bucket.push(host);
      else this.servicesBySelectorPair.set(key, [host]);
    }
    const list = this.servicesByNamespace.get(r.namespace!);
    if (list) list.push(host);
    else this.servicesByNamespace.set(r.namespace!, [host]);
  }

  private addServiceEntry(r: Resource): void {
    const workloadLabels = isObject(r.spec.workloadSelector) ? stringMap(r.spec.workloadSelector.labels) : {};
    const ports = objects(r.spec.ports).map(p => ({
      number: Number(p.number),
      name: typeof p.name === 'string' ? p.name : '',
      protocol: typeof p.protocol === 'string' ? p.protocol : undefined,
      targetPort: p.targetPort === undefined ? undefined : String(p.targetPort),
    }));
    for (const host of strings(r.spec.hosts)) {
      const entry: RegistryHost = {
        resource: r,
        host,
        ports,
        selector: Object.keys(workloadLabels).length > 0 ? labelSelector(workloadLabels) : undefined,
      };
      const list = this.entryHosts.get(host);
      if (list) list.push(entry);
      else this.entryHosts.set(host, [entry]);
      if (host.startsWith('*')) this.wildcardEntryHosts.push(entry);
    }
  }

  private addWorkload(r: Resource): void {
    let template: unknown;
    if (r.kind === 'Pod' && r.group === '') {
      template = r.json;
    } else {
      const path = POD_TEMPLATE_PATHS[r.kind];
      if (!path || !(r.group === 'apps' || r.group === 'batch' || r.group === '')) return;
      template = path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), r.json);
    }
    if (!isObject(template)) return;
    const metadata = isObject(template.metadata) ? template.metadata : {};
    const workload: Workload = {
      resource: r,
      namespace: r.namespace!,
      labels: stringMap(metadata.labels),
      annotations: stringMap(metadata.annotations),
      podSpec: isObject(template.spec) ? template.spec : {},
    };
    this.workloadList.push(workload);
    this.workloads.add(workload.namespace, workload.labels, workload);
  }

  private meshConfigFromObjects(): Json | undefined {
    const maps = this.kube('ConfigMap').filter(c => /^istio(-.+)?$/.test(c.name) && isObject(c.json.data) && typeof c.json.data.mesh === 'string');
    const map = maps.find(c => c.name === 'istio') ?? maps[0];
    if (!map) return undefined;
    const rendered = renderedMeshConfigs.get(map.json.data.mesh);
    if (rendered) return rendered;
    try {
      // loaded on first use: the mesh config of an IstioMesh comes as JSON (see rememberMeshConfig)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const parsed = (require('yaml') as typeof import('yaml')).parse(map.json.data.mesh);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  private assumeIngressGateway(): void {
    const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
    const deployment = new Resource({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } },
    });
    const service = new Resource({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
      spec: {
        selector: labels,
        ports: [
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
          { name: 'tcp', port: 31400, targetPort: 31400 },
          { name: 'tls', port: 15443, targetPort: 15443 },
        ],
      },
    });
    for (const r of [deployment, service]) {
      this.assumed.add(r);
      this.add(r);
    }
  }
}

/** A DestinationRule subset, resolved. */
export interface SubsetResolution {
  readonly rule: Resource;
  readonly name: string;
  /** The subset's own labels. */
  readonly labels: Record<string, string>;
  /** The workloads the Service's selector and the subset's labels select together. */
  readonly workloads: Workload[];
}

function serviceNamespaceOf(fqdn: string): string | undefined {
  return serviceOf(fqdn)?.namespace;
}

/** Reads a workload selector `{ matchLabels }` or a Sidecar/Gateway `{ labels }` map. */
export function selectorOf(value: unknown): Selector | undefined {
  if (!isObject(value)) return undefined;
  if ('matchLabels' in value || 'matchExpressions' in value) return parseSelector(value);
  const labels = stringMap(value.labels ?? value);
  return labelSelector(labels);
}
