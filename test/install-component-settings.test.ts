import { Testing } from 'cdk8s';
import { expectValidManifests } from './support/istio-validate';
import { GatewayInstallation } from '../src/install/gateway-installation';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

const synthMesh = (props: ConstructorParameters<typeof IstioMesh>[2] = {}) => {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', props);
  return { mesh, manifests: Testing.synth(chart) };
};
const named = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);

describe('rendering defects', () => {
  test('a gateway with a version label reports it as its canonical revision', () => {
    const chart = Testing.chart();
    new GatewayInstallation(chart, 'Versioned', { name: 'versioned', labels: { version: 'v2' } });
    new GatewayInstallation(chart, 'Recommended', { name: 'recommended', labels: { 'version': 'v2', 'app.kubernetes.io/version': '3.1' } });
    new GatewayInstallation(chart, 'Plain', { name: 'plain' });
    const manifests = Testing.synth(chart);
    const revision = (name: string) => named(manifests, 'Deployment', name).spec.template.metadata.labels['service.istio.io/canonical-revision'];
    expect(revision('versioned')).toEqual('v2');
    expect(revision('recommended')).toEqual('3.1');
    expect(revision('plain')).toEqual('latest');
    expectValidManifests(manifests);
  });

  test('istio-reader-service-account belongs to the base component, in the mesh namespace', () => {
    const withBase = synthMesh({ profile: Profile.MINIMAL, namespace: 'mesh-system' }).manifests;
    expect(withBase.filter(m => m.metadata.name === 'istio-reader-service-account').map(m => `${m.kind} ${m.metadata.namespace}`))
      .toEqual(['ServiceAccount mesh-system']);
    const withoutBase = synthMesh({ profile: Profile.MINIMAL, base: false }).manifests;
    expect(withoutBase.some(m => m.metadata.name === 'istio-reader-service-account')).toBe(false);
    // without base, no CRDs either, unless asked for
    expect(withoutBase.some(m => m.kind === 'CustomResourceDefinition' && m.spec.group.endsWith('istio.io'))).toBe(false);
    // istiod off, base on: the account is still written
    const baseOnly = synthMesh({ profile: Profile.EMPTY, base: true }).manifests;
    expect(baseOnly.filter(m => m.kind === 'ServiceAccount').map(m => m.metadata.name)).toEqual(['istio-reader-service-account']);
  });

  test('fails naming the property behind a gateway variable, or none when there is none', () => {
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { env: { PILOT_CERT_PROVIDER: 'kubernetes' } }))
      .toThrow(/Ingress: env "PILOT_CERT_PROVIDER" is invalid: is set by the installation itself and cannot be overridden on a gateway/);
    expect(() => new GatewayInstallation(Testing.chart(), 'Ingress', { env: { ISTIO_META_MESH_ID: 'm1' } }))
      .toThrow(/env "ISTIO_META_MESH_ID" is invalid: is set by the installation itself; set meshId instead/);
  });
});
