import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { apiObject, commonLabels, InstallContext, revisioned, SyncWave } from './install-context';

/** One RBAC policy rule. Internal. */
export interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
}

const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });

const READ = ['get', 'list', 'watch'];
const READ_WATCH = ['get', 'watch', 'list'];
const MANAGE = ['get', 'watch', 'list', 'update', 'patch', 'create', 'delete'];
const UPDATE_STATUS = ['update', 'patch'];
const ISTIO_GROUPS = ['config.istio.io', 'security.istio.io', 'networking.istio.io', 'authentication.istio.io',
  'rbac.istio.io', 'telemetry.istio.io', 'extensions.istio.io'];
const GATEWAY_API_STATUS = ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes',
  'referencegrants', 'tcproutes', 'tlsroutes', 'udproutes', 'listenersets'].map(r => `${r}/status`);

/** What istiod needs cluster-wide: webhooks, Istio config, discovery, Ingress, Gateway API, MCS. */
export const ISTIOD_CLUSTER_RULES: PolicyRule[] = [
  rule(['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['get', 'list', 'watch', 'update', 'patch']),
  rule(['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['get', 'list', 'watch', 'update']),
  rule(ISTIO_GROUPS, ['*'], READ_WATCH),
  rule(['networking.istio.io'], ['workloadentries'], MANAGE),
  rule(['networking.istio.io'], ['workloadentries/status', 'serviceentries/status'], MANAGE),
  rule(['security.istio.io'], ['authorizationpolicies/status'], MANAGE),
  rule([''], ['services/status'], MANAGE),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
  rule([''], ['pods', 'nodes', 'services', 'namespaces', 'endpoints'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['networking.k8s.io'], ['ingresses', 'ingressclasses'], READ),
  rule(['networking.k8s.io'], ['ingresses/status'], ['*']),
  rule([''], ['configmaps'], ['create', 'get', 'list', 'watch', 'update']),
  rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  rule(['gateway.networking.k8s.io', 'gateway.networking.x-k8s.io'], ['*'], READ_WATCH),
  rule(['gateway.networking.x-k8s.io'], ['xbackendtrafficpolicies/status'], UPDATE_STATUS),
  rule(['gateway.networking.k8s.io'], GATEWAY_API_STATUS, UPDATE_STATUS),
  rule(['gateway.networking.k8s.io'], ['gatewayclasses'], ['create', 'update', 'patch', 'delete']),
  rule(['inference.networking.k8s.io'], ['inferencepools'], READ_WATCH),
  rule(['inference.networking.k8s.io'], ['inferencepools/status'], UPDATE_STATUS),
  rule([''], ['secrets'], READ_WATCH),
  rule(['multicluster.x-k8s.io'], ['serviceexports'], ['get', 'watch', 'list', 'create', 'delete']),
  rule(['multicluster.x-k8s.io'], ['serviceimports'], READ_WATCH),
];

/** What istiod's gateway deployment controller manages for Gateway API gateways. */
export const GATEWAY_CONTROLLER_RULES: PolicyRule[] = [
  rule(['apps'], ['deployments'], MANAGE),
  rule(['autoscaling'], ['horizontalpodautoscalers'], MANAGE),
  rule(['policy'], ['poddisruptionbudgets'], MANAGE),
  rule([''], ['services'], MANAGE),
  rule([''], ['serviceaccounts'], MANAGE),
];

/** Read access for multicluster remote secrets (`istio-reader-service-account`). */
export const READER_RULES: PolicyRule[] = [
  rule(ISTIO_GROUPS, ['*'], READ),
  rule([''], ['endpoints', 'pods', 'services', 'nodes', 'replicationcontrollers', 'namespaces', 'secrets', 'configmaps'], READ),
  rule(['networking.istio.io'], ['workloadentries'], READ_WATCH),
  rule(['networking.x-k8s.io', 'gateway.networking.k8s.io'], ['gateways'], READ_WATCH),
  rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], READ),
  rule(['discovery.k8s.io'], ['endpointslices'], READ),
  rule(['multicluster.x-k8s.io'], ['serviceexports'], ['get', 'list', 'watch', 'create', 'delete']),
  rule(['multicluster.x-k8s.io'], ['serviceimports'], READ),
  rule(['apps'], ['replicasets'], READ),
  rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
  rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
];

/** istiod's rights in its own namespace: webhook readiness checks, the CA secret, status ConfigMaps, leader election. */
export const ISTIOD_NAMESPACE_RULES: PolicyRule[] = [
  rule(['networking.istio.io'], ['gateways'], ['create']),
  rule([''], ['secrets'], ['create', 'get', 'watch', 'list', 'update', 'delete']),
  rule([''], ['configmaps'], ['delete']),
  rule(['coordination.k8s.io'], ['leases'], ['get', 'update', 'patch', 'create']),
];

/** Name of the cluster-wide, unrevisioned reader ServiceAccount. */
export const READER_SERVICE_ACCOUNT = 'istio-reader-service-account';

/** The RBAC objects of one istiod revision. Internal: created by `Istiod`. */
export class IstiodRbac extends Construct {
  public readonly serviceAccount: ApiObject;
  public readonly clusterRoles: ApiObject[] = [];
  public readonly clusterRoleBindings: ApiObject[] = [];
  public readonly role: ApiObject;
  public readonly roleBinding: ApiObject;

  public constructor(
    scope: Construct, id: string, ctx: InstallContext, serviceAccountName: string, serviceAccountAnnotations?: Record<string, string>,
  ) {
    super(scope, id);
    const istiodLabels = { app: 'istiod', ...commonLabels('istiod') };
    const readerLabels = { app: 'istio-reader', ...commonLabels('istio-reader') };
    const subject = (name: string) => ({ kind: 'ServiceAccount', name, namespace: ctx.namespace });
    const clusterName = (base: string) => `${revisioned(ctx, base)}-${ctx.namespace}`;

    this.serviceAccount = apiObject(this, 'ServiceAccount', ctx, SyncWave.IDENTITY, {
      apiVersion: 'v1', kind: 'ServiceAccount', name: serviceAccountName, namespaced: true, labels: istiodLabels, annotations: serviceAccountAnnotations,
    });

    const roles: Array<[string, string, PolicyRule[], Record<string, string>, string]> = [
      ['ClusterRole', clusterName('istiod-clusterrole'), ISTIOD_CLUSTER_RULES, istiodLabels, serviceAccountName],
      ['GatewayControllerClusterRole', clusterName('istiod-gateway-controller'), GATEWAY_CONTROLLER_RULES, istiodLabels, serviceAccountName],
      ['ReaderClusterRole', clusterName('istio-reader-clusterrole'), READER_RULES, readerLabels, READER_SERVICE_ACCOUNT],
    ];
    for (const [cid, name, rules, labels] of roles) {
      this.clusterRoles.push(apiObject(this, cid, ctx, SyncWave.IDENTITY, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        name,
        namespaced: false,
        labels,
        body: { rules: rules.map(r => ({ ...r })) },
      }));
    }
    for (const [cid, name, , labels, sa] of roles) {
      this.clusterRoleBindings.push(apiObject(this, `${cid}Binding`, ctx, SyncWave.IDENTITY, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        name,
        namespaced: false,
        labels,
        body: { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subject(sa)] },
      }));
    }
    this.role = apiObject(this, 'Role', ctx, SyncWave.IDENTITY, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      name: serviceAccountName,
      namespaced: true,
      labels: istiodLabels,
      body: { rules: ISTIOD_NAMESPACE_RULES.map(r => ({ ...r })) },
    });
    this.roleBinding = apiObject(this, 'RoleBinding', ctx, SyncWave.IDENTITY, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      name: serviceAccountName,
      namespaced: true,
      labels: istiodLabels,
      body: {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: serviceAccountName },
        subjects: [subject(serviceAccountName)],
      },
    });
  }
}
