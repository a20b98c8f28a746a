import { ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { validateDnsLabel, validateLabels, validateResourceName } from './validation';
import { ensureAnalysis } from '../analysis/mesh-analysis';

/**
 * Properties every Istio resource accepts.
 */
export interface IstioResourceProps {
  /**
   * Metadata of the resource: name, namespace, labels and annotations.
   *
   * @default - a name generated from the construct path, in the namespace `kubectl` applies to
   */
  readonly metadata?: ApiObjectMetadata;
}

/**
 * Base class of the Istio custom resources: a cdk8s-plus `Resource`, so `metadata`, `name`
 * and RBAC references behave as they do for core Kubernetes objects.
 */
export abstract class IstioResource extends kplus.Resource {
  protected constructor(scope: Construct, id: string, props: IstioResourceProps = {}) {
    super(scope, id);
    const metadata = props.metadata ?? {};
    validateResourceName(this, 'metadata.name', metadata.name);
    validateDnsLabel(this, 'metadata.namespace', metadata.namespace);
    validateLabels(this, 'metadata.labels', metadata.labels);
    ensureAnalysis(this);
  }

  /**
   * The namespace this resource is created in.
   *
   * @default - undefined: the namespace `kubectl` applies to
   */
  public get namespace(): string | undefined {
    return this.metadata.namespace;
  }
}
