import { ApiObject, ApiObjectMetadata, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/** The image registry and tag of the bookinfo sample shipped with Istio 1.30.3. */
const BOOKINFO_REGISTRY = 'registry.istio.io/release';
const BOOKINFO_TAG = '1.20.3';
const BOOKINFO_PORT = 9080;
/** A non-root uid: the sample images declare no user, and `runAsNonRoot` needs a numeric one. */
const APP_UID = 1000;

export interface BookinfoAppProps {
  /** Namespace of the application; it must exist (see `IstioMesh.injectNamespace`). */
  readonly namespace: string;
}

/** One bookinfo microservice: its Service, ServiceAccount and one Deployment per version. */
export interface BookinfoService {
  readonly service: kplus.Service;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly deployments: kplus.Deployment[];
}

interface ServiceSpec {
  readonly app: string;
  readonly versions: string[];
  readonly env?: Record<string, string>;
  /** Writable paths, each an emptyDir: the root filesystem is read-only. */
  readonly writablePaths: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly memoryMi: { request: number; limit: number };
}

const SERVICES: ServiceSpec[] = [
  { app: 'details', versions: ['v1'], writablePaths: { tmp: '/tmp' }, memoryMi: { request: 64, limit: 256 } },
  { app: 'ratings', versions: ['v1'], writablePaths: { tmp: '/tmp' }, memoryMi: { request: 64, limit: 256 } },
  {
    app: 'reviews',
    versions: ['v1', 'v2', 'v3'],
    env: { LOG_DIR: '/tmp/logs' },
    writablePaths: { 'tmp': '/tmp', 'wlp-output': '/opt/ibm/wlp/output' },
    memoryMi: { request: 256, limit: 768 },
  },
  {
    app: 'productpage',
    versions: ['v1'],
    writablePaths: { tmp: '/tmp' },
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(BOOKINFO_PORT), 'prometheus.io/path': '/metrics' },
    memoryMi: { request: 64, limit: 256 },
  },
];

/**
 * The bookinfo sample application (details, ratings, reviews v1/v2/v3, productpage), written
 * with cdk8s-plus: Services on port 9080 named `http`, a ServiceAccount per service, and
 * Deployments labelled `app`/`version` whose pods pass the `restricted` Pod Security Standard.
 */
export class BookinfoApp extends Construct {
  public readonly details: BookinfoService;
  public readonly ratings: BookinfoService;
  public readonly reviews: BookinfoService;
  public readonly productpage: BookinfoService;

  constructor(scope: Construct, id: string, props: BookinfoAppProps) {
    super(scope, id);
    const [details, ratings, reviews, productpage] = SERVICES.map(spec => this.addService(spec, props.namespace));
    this.details = details;
    this.ratings = ratings;
    this.reviews = reviews;
    this.productpage = productpage;
  }

  /** Every microservice, in the order they are written. */
  public get services(): BookinfoService[] {
    return [this.details, this.ratings, this.reviews, this.productpage];
  }

  private addService(spec: ServiceSpec, namespace: string): BookinfoService {
    const meta = (name: string, labels: Record<string, string>): ApiObjectMetadata => ({ name, namespace, labels });

    const serviceAccount = new kplus.ServiceAccount(this, `${spec.app}-sa`, {
      metadata: meta(`bookinfo-${spec.app}`, { account: spec.app }),
      automountToken: false,
    });

    const service = new kplus.Service(this, `${spec.app}-svc`, {
      metadata: meta(spec.app, { app: spec.app, service: spec.app }),
      ports: [{ port: BOOKINFO_PORT, name: 'http' }],
    });
    service.selectLabel('app', spec.app);

    const deployments = spec.versions.map(version => {
      const labels = { app: spec.app, version };
      const deployment = new kplus.Deployment(this, `${spec.app}-${version}`, {
        metadata: meta(`${spec.app}-${version}`, labels),
        replicas: 1,
        select: false,
        podMetadata: { labels, annotations: spec.podAnnotations },
        serviceAccount,
        automountServiceAccountToken: false,
        securityContext: { ensureNonRoot: true, user: APP_UID, group: APP_UID },
      });
      deployment.select(kplus.LabelSelector.of({ labels }));

      const container = deployment.addContainer({
        name: spec.app,
        image: `${BOOKINFO_REGISTRY}/examples-bookinfo-${spec.app}-${version}:${BOOKINFO_TAG}`,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: BOOKINFO_PORT, name: 'http' }],
        envVariables: Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
        securityContext: {
          ensureNonRoot: true,
          user: APP_UID,
          group: APP_UID,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
        },
        resources: {
          cpu: { request: kplus.Cpu.millis(20), limit: kplus.Cpu.millis(500) },
          memory: {
            request: Size.mebibytes(spec.memoryMi.request),
            limit: Size.mebibytes(spec.memoryMi.limit),
          },
        },
      });
      for (const [volumeName, path] of Object.entries(spec.writablePaths)) {
        container.mount(path, kplus.Volume.fromEmptyDir(this, `${spec.app}-${version}-${volumeName}`, volumeName));
      }
      // cdk8s-plus-27 has neither seccompProfile nor a `drop: [ALL]` capability; the restricted
      // Pod Security Standard needs both.
      ApiObject.of(deployment).addJsonPatch(
        JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
        JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }),
      );
      return deployment;
    });

    return { service, serviceAccount, deployments };
  }
}
