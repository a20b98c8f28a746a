import { AnalysisLevel } from './level';

/**
 * The message codes the analyzers report, with istioctl 1.30's default levels
 * (pkg/config/analysis/msg/messages.yaml). Codes starting with `CDK` are this library's own
 * findings, which istioctl does not report. Internal.
 */
export const CODES = {
  IST0002: { name: 'Deprecated', level: AnalysisLevel.WARNING },
  IST0101: { name: 'ReferencedResourceNotFound', level: AnalysisLevel.ERROR },
  IST0102: { name: 'NamespaceNotInjected', level: AnalysisLevel.INFO },
  IST0106: { name: 'SchemaValidationError', level: AnalysisLevel.ERROR },
  IST0107: { name: 'MisplacedAnnotation', level: AnalysisLevel.WARNING },
  IST0108: { name: 'UnknownAnnotation', level: AnalysisLevel.WARNING },
  IST0109: { name: 'ConflictingMeshGatewayVirtualServiceHosts', level: AnalysisLevel.ERROR },
  IST0110: { name: 'ConflictingSidecarWorkloadSelectors', level: AnalysisLevel.ERROR },
  IST0111: { name: 'MultipleSidecarsWithoutWorkloadSelectors', level: AnalysisLevel.ERROR },
  IST0112: { name: 'VirtualServiceDestinationPortSelectorRequired', level: AnalysisLevel.ERROR },
  IST0116: { name: 'DeploymentAssociatedToMultipleServices', level: AnalysisLevel.WARNING },
  IST0118: { name: 'PortNameIsNotUnderNamingConvention', level: AnalysisLevel.INFO },
  IST0123: { name: 'NamespaceMultipleInjectionLabels', level: AnalysisLevel.WARNING },
  IST0125: { name: 'InvalidAnnotation', level: AnalysisLevel.WARNING },
  IST0127: { name: 'NoMatchingWorkloadsFound', level: AnalysisLevel.WARNING },
  IST0128: { name: 'NoServerCertificateVerificationDestinationLevel', level: AnalysisLevel.WARNING },
  IST0129: { name: 'NoServerCertificateVerificationPortLevel', level: AnalysisLevel.WARNING },
  IST0130: { name: 'VirtualServiceUnreachableRule', level: AnalysisLevel.WARNING },
  IST0131: { name: 'VirtualServiceIneffectiveMatch', level: AnalysisLevel.INFO },
  IST0132: { name: 'VirtualServiceHostNotFoundInGateway', level: AnalysisLevel.WARNING },
  IST0133: { name: 'SchemaWarning', level: AnalysisLevel.WARNING },
  IST0134: { name: 'ServiceEntryAddressesRequired', level: AnalysisLevel.WARNING },
  IST0135: { name: 'DeprecatedAnnotation', level: AnalysisLevel.INFO },
  IST0137: { name: 'DeploymentConflictingPorts', level: AnalysisLevel.WARNING },
  IST0138: { name: 'GatewayDuplicateCertificate', level: AnalysisLevel.WARNING },
  IST0139: { name: 'InvalidWebhook', level: AnalysisLevel.ERROR },
  IST0140: { name: 'IngressRouteRulesNotAffected', level: AnalysisLevel.WARNING },
  IST0144: { name: 'InvalidApplicationUID', level: AnalysisLevel.WARNING },
  IST0145: { name: 'ConflictingGateways', level: AnalysisLevel.ERROR },
  IST0146: { name: 'ImageAutoWithoutInjectionWarning', level: AnalysisLevel.WARNING },
  IST0149: { name: 'JwtClaimBasedRoutingWithoutRequestAuthN', level: AnalysisLevel.ERROR },
  IST0150: { name: 'ExternalNameServiceTypeInvalidPortName', level: AnalysisLevel.WARNING },
  IST0151: { name: 'EnvoyFilterUsesRelativeOperation', level: AnalysisLevel.WARNING },
  IST0152: { name: 'EnvoyFilterUsesReplaceOperationIncorrectly', level: AnalysisLevel.ERROR },
  IST0153: { name: 'EnvoyFilterUsesAddOperationIncorrectly', level: AnalysisLevel.ERROR },
  IST0154: { name: 'EnvoyFilterUsesRemoveOperationIncorrectly', level: AnalysisLevel.ERROR },
  IST0155: { name: 'EnvoyFilterUsesRelativeOperationWithProxyVersion', level: AnalysisLevel.WARNING },
  IST0157: { name: 'InvalidTelemetryProvider', level: AnalysisLevel.WARNING },
  IST0159: { name: 'ConflictingTelemetryWorkloadSelectors', level: AnalysisLevel.ERROR },
  IST0160: { name: 'MultipleTelemetriesWithoutWorkloadSelectors', level: AnalysisLevel.ERROR },
  IST0161: { name: 'InvalidGatewayCredential', level: AnalysisLevel.ERROR },
  IST0162: { name: 'GatewayPortNotDefinedOnService', level: AnalysisLevel.WARNING },
  IST0163: { name: 'InvalidExternalControlPlaneConfig', level: AnalysisLevel.WARNING },
  IST0164: { name: 'ExternalControlPlaneAddressIsNotAHostname', level: AnalysisLevel.INFO },
  IST0165: { name: 'ReferencedInternalGateway', level: AnalysisLevel.WARNING },
  IST0166: { name: 'IneffectiveSelector', level: AnalysisLevel.WARNING },
  IST0167: { name: 'IneffectivePolicy', level: AnalysisLevel.WARNING },
  IST0173: { name: 'DestinationRuleSubsetNotSelectPods', level: AnalysisLevel.ERROR },
  IST0174: { name: 'UnknownDestinationRuleHost', level: AnalysisLevel.WARNING },
  IST0175: { name: 'JwksUriFetchUnrestricted', level: AnalysisLevel.WARNING },
  IST0176: { name: 'GatewayAPICRDVersionTooOld', level: AnalysisLevel.ERROR },
  CDK0001: { name: 'MtlsDisabledForStrictWorkload', level: AnalysisLevel.WARNING },
  CDK0002: { name: 'GatewayApiRouteNotAccepted', level: AnalysisLevel.WARNING },
  CDK0003: { name: 'GatewayApiBackendNotGranted', level: AnalysisLevel.WARNING },
  CDK0004: { name: 'GatewayApiReferenceNotFound', level: AnalysisLevel.WARNING },
  CDK0005: { name: 'AmbientL7PolicyWithoutWaypoint', level: AnalysisLevel.WARNING },
  CDK0006: { name: 'AmbientServiceWithoutWaypoint', level: AnalysisLevel.WARNING },
} as const;

/** A code the analyzers report. Internal. */
export type Code = keyof typeof CODES;

/** The default level of a code. */
export function defaultLevel(code: string): AnalysisLevel | undefined {
  return (CODES as Record<string, { level: AnalysisLevel }>)[code]?.level;
}
