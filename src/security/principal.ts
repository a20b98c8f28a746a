import { IConstruct } from 'constructs';
import { validatePrincipal, validateTrustDomain } from './security-validation';
import { IPodWorkload, IServiceAccountReference } from '../core/kube-refs';
import { fail, validateDnsLabel } from '../core/validation';

/**
 * A workload identity an AuthorizationPolicy matches in `principals`: the SPIFFE identity of
 * a Kubernetes service account without the `spiffe://` scheme,
 * `<trust domain>/ns/<namespace>/sa/<service account>`.
 *
 * @example
 * Principal.fromServiceAccount(productpageServiceAccount);
 * Principal.fromWorkload(productpageDeployment);
 * Principal.of('cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account');
 * Principal.of('*');
 */
export class Principal {
  /**
   * Any authenticated (mTLS) peer: `*`.
   */
  public static readonly ANY_AUTHENTICATED = new Principal(() => '*', undefined, 'ANY_AUTHENTICATED');

  /**
   * A principal written out: `<trust domain>/ns/<namespace>/sa/<name>`, or a prefix
   * (`cluster.local/ns/bookinfo/*`), suffix (`*\/sa/reviews`) or presence (`*`) match.
   */
  public static of(principal: string): Principal {
    return new Principal(() => principal, undefined, 'of');
  }

  /**
   * The identity of the pods that run as a service account: a cdk8s-plus ServiceAccount of
   * any 2.x version (of this app, or imported with `ServiceAccount.fromServiceAccountName()`),
   * or a `GatewayInstallation`'s `serviceAccount`.
   *
   * @param trustDomain the mesh trust domain; defaults to the policy's `trustDomain`
   */
  public static fromServiceAccount(serviceAccount: IServiceAccountReference, trustDomain?: string): Principal {
    return new Principal(() => {
      const subject = serviceAccount.toSubjectConfiguration();
      return { name: subject.name, namespace: subject.namespace, description: serviceAccount.node.path };
    }, trustDomain, 'fromServiceAccount');
  }

  /**
   * The identity of a workload's pods (a workload of any cdk8s-plus 2.x version): its service account, or the namespace's
   * `default` service account when it has none.
   *
   * @param trustDomain the mesh trust domain; defaults to the policy's `trustDomain`
   */
  public static fromWorkload(workload: IPodWorkload, trustDomain?: string): Principal {
    return new Principal(() => {
      const sa = workload.serviceAccount;
      if (sa) {
        const subject = sa.toSubjectConfiguration();
        return { name: subject.name, namespace: subject.namespace ?? workload.metadata.namespace, description: workload.node.path };
      }
      return { name: 'default', namespace: workload.metadata.namespace, description: workload.node.path };
    }, trustDomain, 'fromWorkload');
  }

  private constructor(
    private readonly produce: () => string | { name: string; namespace: string | undefined; description: string },
    private readonly trustDomain: string | undefined,
    private readonly factory: string,
  ) {}

  /**
   * Renders and validates the principal. `fallbackNamespace` is the namespace of the policy,
   * used for service accounts whose namespace the app does not set.
   * @internal
   */
  public _render(scope: IConstruct, field: string, defaultTrustDomain: string, fallbackNamespace: string | undefined): string {
    const value = this.produce();
    if (typeof value === 'string') {
      validatePrincipal(scope, field, value);
      return value;
    }
    const trustDomain = this.trustDomain ?? defaultTrustDomain;
    validateTrustDomain(scope, `${field} trust domain`, trustDomain);
    const namespace = value.namespace ?? fallbackNamespace;
    if (namespace === undefined) {
      fail(scope, field, `Principal.${this.factory}(${value.description})`,
        'the service account has no namespace and neither has the policy; set metadata.namespace on either so the principal "<trust domain>/ns/<namespace>/sa/<name>" can be derived');
    }
    validateDnsLabel(scope, `${field} namespace`, namespace);
    const principal = `${trustDomain}/ns/${namespace}/sa/${value.name}`;
    validatePrincipal(scope, field, principal);
    return principal;
  }
}
