import { ApiObjectMetadataDefinition } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The subject a service account stands for in RBAC bindings, as cdk8s-plus renders it.
 */
export interface ServiceAccountSubject {
  /** The API group of the subject (empty for core kinds). @default - none */
  readonly apiGroup?: string;
  /** The kind of the subject, `ServiceAccount`. */
  readonly kind: string;
  /** The service account's name. */
  readonly name: string;
  /** The service account's namespace. @default - the namespace `kubectl` applies to */
  readonly namespace?: string;
}

/**
 * A Kubernetes ServiceAccount: a `ServiceAccount` of any cdk8s-plus 2.x package
 * (`cdk8s-plus-27` to `cdk8s-plus-33`), one imported with
 * `ServiceAccount.fromServiceAccountName()`, or anything else of the same shape.
 */
export interface IServiceAccountReference extends IConstruct {
  /** The service account's name. */
  readonly name: string;

  /** The service account as an RBAC subject: its name and namespace. */
  toSubjectConfiguration(): ServiceAccountSubject;
}

/**
 * A Kubernetes Service: a `Service` of any cdk8s-plus 2.x package (`cdk8s-plus-27` to
 * `cdk8s-plus-33`), or anything else of the same shape (a name and cdk8s metadata).
 */
export interface IServiceReference extends IConstruct {
  /** The Service's name. */
  readonly name: string;

  /** The Service's metadata; its namespace qualifies the host seen from other namespaces. */
  readonly metadata: ApiObjectMetadataDefinition;
}

/**
 * A workload that runs pods: a `Deployment`, `StatefulSet`, `DaemonSet` or `Job` of any
 * cdk8s-plus 2.x package (`cdk8s-plus-27` to `cdk8s-plus-33`), or anything else of the same
 * shape. Selectors, subsets and principals read its labels and service account at synth time.
 */
export interface IPodWorkload extends IConstruct {
  /** The workload's own metadata (its namespace). */
  readonly metadata: ApiObjectMetadataDefinition;

  /** The metadata of the pods it creates (their labels). */
  readonly podMetadata: ApiObjectMetadataDefinition;

  /** The labels its selector matches pods by. */
  readonly matchLabels: Record<string, string>;

  /**
   * The service account its pods run as.
   *
   * @default - the namespace's `default` service account
   */
  readonly serviceAccount?: IServiceAccountReference;
}
