import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AddonOptions, AddonStorage, ObservabilityAddon } from './addon';
import {
  NO_SIDECAR, addonLabels, assertInstalled, httpProbe, imageTag, kubeObject, renderPrometheusDuration,
  renderResources, restrictedContainer, serviceUrl, toYaml, validateExternalUrl, validateImage, validateReplicas,
} from './common';
import { assertUnique, check, fail } from '../core/validation';
import { IstioDashboards } from './grafana-dashboards/istio-dashboards';
import { Dashboard } from './grafana-dashboards/model';
import { Jaeger } from './jaeger';
import { Loki } from './loki';
import { Prometheus } from './prometheus';

const GRAFANA_IMAGE = 'docker.io/grafana/grafana:12.0.1';

const NAME = 'grafana';
const PORT = 3000;
const GRAFANA_UID = 472;
const DASHBOARDS_CONFIG_MAP = 'istio-grafana-dashboards';
const DASHBOARDS_PATH = '/var/lib/grafana/dashboards/istio';

/** The organisation role of anonymous visitors. */
export enum GrafanaRole {
  /** Read-only. */
  VIEWER = 'Viewer',
  /** May edit dashboards. */
  EDITOR = 'Editor',
  /** Full control. */
  ADMIN = 'Admin',
}

/** Data source names and uids Grafana provisions. */
export enum GrafanaDataSource {
  /** The Prometheus data source (the default one). */
  PROMETHEUS = 'prometheus',
  /** The Loki data source. */
  LOKI = 'loki',
  /** The Jaeger data source. */
  JAEGER = 'jaeger',
}

/**
 * Options of the Grafana addon.
 */
export interface GrafanaOptions extends AddonOptions {
  /**
   * Number of Grafana pods. More than one only makes sense with `AddonStorage.ephemeral()`
   * storage, as each pod keeps its own state.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Where Grafana keeps its database (users, preferences, edited dashboards).
   *
   * @default AddonStorage.ephemeral()
   */
  readonly storage?: AddonStorage;

  /**
   * Let visitors in without logging in, as `istioctl dashboard grafana` expects.
   *
   * @default true
   */
  readonly anonymousAccess?: boolean;

  /**
   * The role of anonymous visitors.
   *
   * @default GrafanaRole.VIEWER
   */
  readonly anonymousRole?: GrafanaRole;

  /**
   * Provision the Istio mesh, service, workload and control plane dashboards.
   *
   * @default true
   */
  readonly istioDashboards?: boolean;

  /**
   * More dashboards to provision in the Istio folder.
   *
   * @default - none
   */
  readonly dashboards?: Dashboard[];

  /**
   * The URL browsers reach Grafana at (used for links from Kiali).
   *
   * @default - the in-cluster URL
   */
  readonly externalUrl?: string;
}

/**
 * Properties of the Grafana addon.
 */
export interface GrafanaProps extends GrafanaOptions {
  /** The Prometheus to read metrics from (the default data source). */
  readonly prometheus: Prometheus;

  /**
   * A Loki to read logs from.
   *
   * @default - no Loki data source
   */
  readonly loki?: Loki;

  /**
   * A Jaeger to read traces from.
   *
   * @default - no Jaeger data source
   */
  readonly tracing?: Jaeger;

  /**
   * The namespace to run in.
   *
   * @default 'istio-system'
   */
  readonly namespace?: string;
}

/**
 * Grafana with data sources for this install's Prometheus (and Loki and Jaeger when given) and
 * the Istio dashboards provisioned as code in the `istio-grafana-dashboards` ConfigMap.
 * Service `grafana` on port 3000.
 *
 * Default resources: requests 50m CPU and 128Mi memory, limit 512Mi memory.
 */
export class Grafana extends ObservabilityAddon {
  /** Grafana image of the Istio 1.30.3 samples. */
  public static readonly DEFAULT_IMAGE: string = GRAFANA_IMAGE;

  public readonly serviceName: string = NAME;
  public readonly port: number = PORT;

  /** The Grafana image. */
  public readonly image: string;
  /** The Prometheus Grafana reads from. */
  public readonly prometheus: Prometheus;
  /** The Loki Grafana reads from, if any. */
  public readonly loki?: Loki;
  /** The Jaeger Grafana reads from, if any. */
  public readonly tracing?: Jaeger;
  /** The URL browsers reach Grafana at. */
  public readonly externalUrl?: string;
  /** The Deployment, for escape hatches. */
  public readonly deployment: ApiObject;

  private readonly _dashboards: Dashboard[] = [];

  public constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id, props.namespace);
    if (!props.prometheus) fail(this, 'prometheus', props.prometheus, 'Grafana needs the Prometheus addon it reads metrics from');
    assertInstalled(this, 'prometheus', props.prometheus);
    assertInstalled(this, 'loki', props.loki);
    assertInstalled(this, 'tracing', props.tracing);
    this.image = props.image ?? GRAFANA_IMAGE;
    validateImage(this, 'image', props.image);
    validateReplicas(this, 'replicas', props.replicas);
    props.storage?._validate(this, 'storage');
    validateExternalUrl(this, 'externalUrl', props.externalUrl);
    const storage = props.storage ?? AddonStorage.ephemeral();
    check(!(storage.isPersistent && (props.replicas ?? 1) > 1), this, 'replicas', props.replicas,
      'must be 1 with persistent storage (a ReadWriteOnce volume holds one SQLite database)');
    const role = props.anonymousRole ?? GrafanaRole.VIEWER;
    check(Object.values(GrafanaRole).includes(role), this, 'anonymousRole', role, `must be one of ${Object.values(GrafanaRole).join(', ')}`);

    this.prometheus = props.prometheus;
    this.loki = props.loki;
    this.tracing = props.tracing;
    this.externalUrl = props.externalUrl;

    if (props.istioDashboards ?? true) IstioDashboards.all().forEach(d => this.addDashboard(d));
    (props.dashboards ?? []).forEach(d => this.addDashboard(d));

    const labels = addonLabels(NAME, imageTag(this.image));
    const metadata = (name: string) => ({ name, namespace: this.namespace, labels });

    kubeObject(this, 'ServiceAccount', 'v1', 'ServiceAccount', metadata(NAME), { automountServiceAccountToken: false });
    kubeObject(this, 'ConfigMap', 'v1', 'ConfigMap', metadata(NAME), {
      data: {
        'grafana.ini': grafanaIni(props.anonymousAccess ?? true, role, props.istioDashboards ?? true, props.externalUrl),
        'datasources.yaml': toYaml(this.renderDataSources()),
        'dashboards.yaml': toYaml({
          apiVersion: 1,
          providers: [{
            name: 'istio',
            orgId: 1,
            folder: 'Istio',
            type: 'file',
            disableDeletion: true,
            allowUiUpdates: false,
            options: { path: DASHBOARDS_PATH },
          }],
        }),
      },
    });
    kubeObject(this, 'Dashboards', 'v1', 'ConfigMap', metadata(DASHBOARDS_CONFIG_MAP), {
      data: Lazy.any({
        produce: () => Object.fromEntries(this._dashboards.map(d => [`${d.uid}.json`, d.toJsonString()])),
      }),
    });
    if (storage.isPersistent) {
      kubeObject(this, 'Storage', 'v1', 'PersistentVolumeClaim', metadata(NAME), { spec: storage._claimSpec() });
    }

    this.deployment = kubeObject(this, 'Deployment', 'apps/v1', 'Deployment', metadata(NAME), {
      spec: {
        replicas: props.replicas ?? 1,
        strategy: storage.isPersistent ? { type: 'Recreate' } : undefined,
        selector: { matchLabels: { app: NAME } },
        template: {
          metadata: { labels: { ...labels, ...NO_SIDECAR } },
          spec: {
            serviceAccountName: NAME,
            securityContext: { runAsNonRoot: true, runAsUser: GRAFANA_UID, runAsGroup: GRAFANA_UID, fsGroup: GRAFANA_UID },
            containers: [{
              name: NAME,
              image: this.image,
              ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              readinessProbe: httpProbe(`${subPath(props.externalUrl)}/api/health`, PORT),
              livenessProbe: httpProbe(`${subPath(props.externalUrl)}/api/health`, PORT, { initialDelaySeconds: 60, timeoutSeconds: 30, failureThreshold: 10 }),
              resources: renderResources(props.resources) ?? { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
              securityContext: restrictedContainer(GRAFANA_UID, false),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini' },
                { name: 'config', mountPath: '/etc/grafana/provisioning/datasources/datasources.yaml', subPath: 'datasources.yaml' },
                { name: 'config', mountPath: '/etc/grafana/provisioning/dashboards/dashboards.yaml', subPath: 'dashboards.yaml' },
                { name: 'storage', mountPath: '/var/lib/grafana' },
                { name: 'dashboards', mountPath: DASHBOARDS_PATH, readOnly: true },
              ],
            }],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              { name: 'dashboards', configMap: { name: DASHBOARDS_CONFIG_MAP } },
              storage._podVolume('storage', NAME),
            ],
          },
        },
      },
    });

    kubeObject(this, 'Service', 'v1', 'Service', metadata(NAME), {
      spec: {
        type: 'ClusterIP',
        selector: { app: NAME },
        ports: [{ name: 'http', port: PORT, targetPort: PORT, protocol: 'TCP' }],
      },
    });
  }

  /**
   * The in-cluster URL of Grafana, e.g. `http://grafana.istio-system:3000`. With an
   * `externalUrl` that has a path, Grafana serves from that sub path, so the URL ends with it.
   */
  public get url(): string {
    return serviceUrl(this.serviceName, this.namespace, this.port, subPath(this.externalUrl));
  }

  /** Provisions one more dashboard in the Istio folder. */
  public addDashboard(dashboard: Dashboard): Dashboard {
    assertUnique(this, 'dashboards[].uid', [...this._dashboards, dashboard], d => d.uid);
    assertUnique(this, 'dashboards[].title', [...this._dashboards, dashboard], d => d.title);
    this._dashboards.push(dashboard);
    return dashboard;
  }

  /** The dashboards Grafana provisions. */
  public get dashboards(): Dashboard[] {
    return [...this._dashboards];
  }

  private renderDataSources(): any {
    const dataSources: any[] = [{
      name: 'Prometheus',
      uid: GrafanaDataSource.PROMETHEUS,
      type: 'prometheus',
      access: 'proxy',
      url: this.prometheus.url,
      isDefault: true,
      editable: false,
      jsonData: { timeInterval: renderPrometheusDuration(this.prometheus.scrapeInterval) },
    }];
    if (this.loki) {
      dataSources.push({
        name: 'Loki',
        uid: GrafanaDataSource.LOKI,
        type: 'loki',
        access: 'proxy',
        url: this.loki.url,
        editable: false,
      });
    }
    if (this.tracing) {
      dataSources.push({
        name: 'Jaeger',
        uid: GrafanaDataSource.JAEGER,
        type: 'jaeger',
        access: 'proxy',
        url: this.tracing.url,
        editable: false,
      });
    }
    return { apiVersion: 1, datasources: dataSources };
  }
}

/** The path of an external URL Grafana serves from (`/grafana`), or `''`. */
function subPath(externalUrl: string | undefined): string {
  return externalUrl ? new URL(externalUrl).pathname.replace(/\/+$/, '') : '';
}

/** grafana.ini: console logging, the provisioning paths, anonymous access. */
function grafanaIni(anonymous: boolean, role: GrafanaRole, istioHome: boolean, externalUrl: string | undefined): string {
  const sections: Array<[string, Record<string, string>]> = [
    ['analytics', { check_for_updates: 'false', reporting_enabled: 'false' }],
    ['log', { mode: 'console' }],
    ['paths', { data: '/var/lib/grafana', plugins: '/var/lib/grafana/plugins', provisioning: '/etc/grafana/provisioning' }],
    ['auth.anonymous', anonymous ? { enabled: 'true', org_role: role } : { enabled: 'false' }],
    ['auth.basic', { enabled: anonymous ? 'false' : 'true' }],
  ];
  if (externalUrl) {
    sections.push(['server', { root_url: externalUrl, ...(subPath(externalUrl) ? { serve_from_sub_path: 'true' } : {}) }]);
  }
  if (istioHome) sections.push(['dashboards', { default_home_dashboard_path: `${DASHBOARDS_PATH}/istio-mesh.json` }]);
  return sections.map(([name, values]) => `[${name}]\n${Object.entries(values).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`).join('\n');
}
