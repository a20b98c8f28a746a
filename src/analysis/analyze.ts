import * as ambient from './analyzers/ambient';
import * as annotations from './analyzers/annotations';
import * as dr from './analyzers/destination-rule';
import * as gw from './analyzers/gateway';
import * as k8sgw from './analyzers/k8s-gateway';
import * as misc from './analyzers/misc';
import * as mtls from './analyzers/mtls';
import * as sel from './analyzers/selectors';
import * as vs from './analyzers/virtual-service';
import * as wl from './analyzers/workloads';
import { CODES } from './codes';
import { Analyzer, AnalysisContext, Finding } from './context';
import { AnalysisLevel } from './level';
import { AnalysisMessage } from './message';
import { MeshModel, ModelInput, ModelOptions } from './model';
import { Resource } from './resource';

/** The annotation with which an object suppresses messages: codes separated by commas, or `*`. */
export const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/** Every analyzer, in istioctl's order. Internal. */
export const ANALYZERS: ReadonlyArray<[string, Analyzer]> = [
  ['annotations.K8sAnalyzer', annotations.annotations],
  ['authz.AuthorizationPoliciesAnalyzer', sel.authorizationPolicies],
  ['authn.BlockedCIDRsAnalyzer', misc.blockedCidrs],
  ['deployment.ServiceAssociationAnalyzer', wl.deploymentServices],
  ['deployment.ApplicationUIDAnalyzer', wl.applicationUid],
  ['deprecation.FieldAnalyzer', misc.deprecatedFields],
  ['destinationrule.CaCertificateAnalyzer', dr.caCertificates],
  ['destinationrule.PodNotSelectedAnalyzer', dr.subsetPods],
  ['envoyfilter.EnvoyPatchAnalyzer', misc.envoyFilterPatches],
  ['externalcontrolplane.ExternalControlPlaneAnalyzer', misc.externalControlPlane],
  ['gateway.IngressGatewayPortAnalyzer', gw.gatewayWorkloads],
  ['gateway.CertificateAnalyzer', gw.duplicateCertificates],
  ['gateway.SecretAnalyzer', gw.gatewaySecrets],
  ['gateway.ConflictingGatewayAnalyzer', gw.conflictingGateways],
  ['injection.Analyzer', wl.namespaceInjection],
  ['injection.ImageAutoAnalyzer', wl.imageAuto],
  ['k8sgateway.SelectorAnalyzer', k8sgw.ineffectiveSelectors],
  ['k8sgateway.CRDVersionAnalyzer', k8sgw.gatewayApiCrdVersion],
  ['cdk8s-istio.GatewayApiRouteAnalyzer', k8sgw.routeReferences],
  ['service.PortNameAnalyzer', wl.servicePortNames],
  ['serviceentry.ProtocolAddressesAnalyzer', misc.serviceEntryAddresses],
  ['sidecar.SelectorAnalyzer', sel.sidecarSelectors],
  ['telemetry.ProviderAnalyzer', sel.telemetryProviders],
  ['telemetry.SelectorAnalyzer', sel.telemetrySelectors],
  ['virtualservice.ConflictingMeshGatewayHostsAnalyzer', vs.conflictingMeshGatewayHosts],
  ['virtualservice.DestinationHostAnalyzer', vs.destinationHosts],
  ['virtualservice.DestinationRuleAnalyzer', vs.destinationRuleSubsets],
  ['virtualservice.GatewayAnalyzer', vs.virtualServiceGateways],
  ['virtualservice.JWTClaimRouteAnalyzer', vs.jwtClaimRoutes],
  ['virtualservice.IngressRouteAnalyzer', vs.ingressSubsetRules],
  ['webhook.Analyzer', misc.webhooks],
  ['schema.ValidationAnalyzer', misc.schemaErrors],
  ['schema.ValidationWarnings', misc.schemaWarnings],
  ['schema.VirtualServiceRules', vs.unreachableRules],
  ['cdk8s-istio.MtlsConflictAnalyzer', mtls.mtlsConflicts],
  ['cdk8s-istio.AmbientL7PolicyAnalyzer', ambient.ambientL7Policies],
  ['cdk8s-istio.AmbientWaypointAnalyzer', ambient.servicesWithoutWaypoint],
];

/** How `analyzeObjects` runs. Internal. */
export interface RunOptions extends ModelOptions {
  /** The level of a finding; default: the code's default level. */
  readonly levelFor?: (finding: Finding) => AnalysisLevel;
  /** Extra suppressions: `CODE=Kind ns/name`, with `*` globs in the resource. */
  readonly suppress?: readonly string[];
  /** The construct path of an object, computed only for objects with messages. */
  readonly constructPathOf?: (resource: Resource) => string | undefined;
}

/** The result of one analysis: the model and the messages, ordered by resource and code. Internal. */
export interface AnalysisRun {
  readonly model: MeshModel;
  readonly messages: Array<{ finding: Finding; message: AnalysisMessage }>;
}

/** Builds the model of `inputs` and runs every analyzer on it. Internal. */
export function analyzeObjects(inputs: readonly ModelInput[], options: RunOptions): AnalysisRun {
  const model = new MeshModel(inputs, options);
  const ctx = new AnalysisContext(model);
  for (const [name, analyzer] of ANALYZERS) {
    try {
      analyzer(ctx);
    } catch (e) {
      // An analyzer bug must not take the synthesis down with a TypeError: report it as istioctl's IST0001 would.
      throw new Error(`cdk8s-istio analysis: analyzer ${name} failed: ${(e as Error).message}`);
    }
  }
  const suppressions = (options.suppress ?? []).map(parseSuppression);
  const seen = new Set<string>();
  const messages: AnalysisRun['messages'] = [];
  for (const finding of ctx.findings) {
    if (suppressedByAnnotation(finding.resource, finding.code)) continue;
    if (suppressions.some(s => s(finding))) continue;
    const level = options.levelFor ? options.levelFor(finding) : CODES[finding.code].level;
    if (level === AnalysisLevel.IGNORE) continue;
    const key = `${finding.code}\u0000${finding.resource.ref}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    messages.push({
      finding,
      message: AnalysisMessage._create({
        code: finding.code,
        level,
        resource: finding.resource.ref,
        message: finding.message,
        constructPath: finding.resource.origin.constructPath ?? options.constructPathOf?.(finding.resource),
        file: finding.resource.origin.file,
      }),
    });
  }
  messages.sort((a, b) => compare(a.message.resource, b.message.resource) || compare(a.message.code, b.message.code));
  return { model, messages };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function suppressedByAnnotation(resource: Resource, code: string): boolean {
  const value = resource.annotations[SUPPRESS_ANNOTATION];
  if (!value) return false;
  return value.split(',').map(s => s.trim()).some(c => c === '*' || c === code);
}

/** `IST0102=Namespace frod`, `IST0107=Deployment *`: a predicate over findings. */
export function parseSuppression(value: string): (f: Finding) => boolean {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new Error(`--suppress "${value}" is invalid: expected CODE=Kind [namespace/]name, such as "IST0102=Namespace frod"`);
  const code = value.slice(0, eq).trim();
  const pattern = globToRegExp(value.slice(eq + 1).trim());
  return f => (code === '*' || f.code === code) && pattern.test(f.resource.ref);
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map(s => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
