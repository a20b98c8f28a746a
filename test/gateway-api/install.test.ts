import { readFileSync } from 'fs';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { synthValid } from './support';
import { GatewayApiCrdChannel, GatewayApiCrds } from '../../src/install/gateway-api-crds';
import { IstioMesh } from '../../src/install/istio-mesh';
import { Profile } from '../../src/install/profile';

// The committed upstream data, read directly (not through the library)
const upstreamData = (channel: string): any[] => JSON.parse(readFileSync(join(__dirname, `../../imports/crds/gateway-api-${channel}.json`), 'utf-8'));
const GATEWAY_API_STANDARD_OBJECTS = upstreamData('standard');
const GATEWAY_API_EXPERIMENTAL_OBJECTS = upstreamData('experimental');

const upstream = (objects: any[]) => objects.map(({ status: _status, ...rest }) => rest);
const ids = (objects: any[]) => objects.map(o => `${o.kind} ${o.metadata.name}`);
const STANDARD_CRDS = ['backendtlspolicies', 'gatewayclasses', 'gateways', 'grpcroutes', 'httproutes', 'listenersets', 'referencegrants', 'tlsroutes']
  .map(p => `CustomResourceDefinition ${p}.gateway.networking.k8s.io`);
const POLICY = ['ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io', 'ValidatingAdmissionPolicyBinding safe-upgrades.gateway.networking.k8s.io'];

describe('Gateway API CRDs', () => {
  test('IstioMesh installs the standard channel by default, unchanged from upstream v1.5.1, with full schemas', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL });
    // THEN
    const objects = synthValid(chart).filter(o => String(o.metadata.name).endsWith('gateway.networking.k8s.io'));
    expect(ids(objects)).toEqual([...STANDARD_CRDS, ...POLICY]);
    expect(objects).toEqual(upstream(GATEWAY_API_STANDARD_OBJECTS));
    const httpRoutes = objects.find(o => o.metadata.name === 'httproutes.gateway.networking.k8s.io');
    expect(httpRoutes.metadata.annotations).toMatchObject({ 'gateway.networking.k8s.io/bundle-version': 'v1.5.1', 'gateway.networking.k8s.io/channel': 'standard' });
    expect(httpRoutes.spec.versions.map((v: any) => `${v.name}${v.storage ? '*' : ''}`)).toEqual(['v1*', 'v1beta1']);
    expect(JSON.stringify(httpRoutes.spec.versions[0].schema.openAPIV3Schema)).toContain('x-kubernetes-validations');
  });

  test('the experimental channel adds TCPRoute and UDPRoute (v1alpha2)', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, gatewayApiCrds: GatewayApiCrdChannel.EXPERIMENTAL });
    const objects = synthValid(chart).filter(o => String(o.metadata.name).endsWith('gateway.networking.k8s.io'));
    expect(ids(objects)).toEqual([
      ...STANDARD_CRDS,
      'CustomResourceDefinition tcproutes.gateway.networking.k8s.io',
      'CustomResourceDefinition udproutes.gateway.networking.k8s.io',
      ...POLICY,
    ]);
    expect(objects.filter(o => o.metadata.name.startsWith('tcproutes') || o.metadata.name.startsWith('udproutes'))).toEqual(upstream(GATEWAY_API_EXPERIMENTAL_OBJECTS));
  });

  test('none, once per app, and sync waves', () => {
    const none = Testing.chart();
    new IstioMesh(none, 'Istio', { profile: Profile.MINIMAL, gatewayApiCrds: GatewayApiCrdChannel.NONE });
    expect(Testing.synth(none).filter(o => String(o.metadata.name).endsWith('gateway.networking.k8s.io'))).toEqual([]);

    const two = Testing.chart();
    const first = new IstioMesh(two, 'A', { profile: Profile.MINIMAL, revision: 'a' });
    const second = new IstioMesh(two, 'B', { profile: Profile.MINIMAL, revision: 'b' });
    expect(first.gatewayApiCrds).toBeDefined();
    expect(second.gatewayApiCrds).toBeUndefined();
    expect(Testing.synth(two).filter(o => o.metadata.name === 'gateways.gateway.networking.k8s.io')).toHaveLength(1);

    const waves = Testing.chart();
    new GatewayApiCrds(waves, 'crds', { syncWave: true });
    expect(Testing.synth(waves).map(o => o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toEqual(Array(10).fill('-3'));
  });

  test('fails for an unknown channel', () => {
    expect(() => new GatewayApiCrds(Testing.chart(), 'crds', { channel: 'beta' as any })).toThrow(/test\/crds: channel "beta" is invalid: must be one of standard, experimental, none/);
  });
});
