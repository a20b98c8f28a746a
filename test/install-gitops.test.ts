import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ObservabilityAddons } from '../src/addons/observability';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';
import { Destination } from '../src/networking/destination';
import { VirtualService } from '../src/networking/virtual-service';

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

function app(syncWaves: boolean) {
  const { istio, shop } = build(Testing.app(), syncWaves);
  return [...Testing.synth(istio), ...Testing.synth(shop)];
}

function build(a: App, syncWaves: boolean) {
  const istio = new Chart(a, 'istio');
  const mesh = new IstioMesh(istio, 'Istio', { profile: Profile.DEMO, syncWaves });
  ObservabilityAddons.demo(istio, 'Addons', mesh);
  // the application, in a chart of its own, added after the mesh
  const shop = new Chart(a, 'shop', { namespace: 'shop' });
  new VirtualService(shop, 'reviews', { metadata: { name: 'reviews' }, hosts: ['reviews'], http: [{ route: [{ destination: Destination.fromHost('reviews') }] }] });
  new ApiObject(shop, 'Raw', {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'strict', annotations: { [SYNC_OPTIONS]: 'Replace=true' } },
    spec: { mtls: { mode: 'STRICT' } },
  });
  // a CRD of the app's own, and one of its resources
  new ApiObject(shop, 'WidgetCrd', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [] },
  });
  new ApiObject(shop, 'Widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
  return { istio, shop };
}

/** The files `App.synth()` writes, by name. */
function synthFiles(syncWaves: boolean, analysis: boolean): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), 'gitops-'));
  const previous = process.env.CDK8S_ISTIO_ANALYSIS;
  process.env.CDK8S_ISTIO_ANALYSIS = analysis ? 'on' : 'off';
  try {
    const a = new App({ outdir });
    build(a, syncWaves);
    a.synth();
  } finally {
    if (previous === undefined) delete process.env.CDK8S_ISTIO_ANALYSIS;
    else process.env.CDK8S_ISTIO_ANALYSIS = previous;
  }
  // the YAML (the mesh pictures beside it mark the analysis' findings, so they differ)
  return Object.fromEntries(readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')).map(f => [f, readFileSync(join(outdir, f), 'utf-8')]));
}

describe('GitOps: Argo CD in one pass', () => {
  test('with sync waves, every custom resource skips the dry run while its CRD is missing', () => {
    const manifests = app(true);
    const withOption = manifests.filter(m => m.metadata.annotations?.[SYNC_OPTIONS] !== undefined)
      .map(m => `${m.kind} ${m.metadata.name}: ${m.metadata.annotations[SYNC_OPTIONS]}`);
    expect(withOption).toEqual([
      'Telemetry mesh-default: SkipDryRunOnMissingResource=true',
      'VirtualService reviews: SkipDryRunOnMissingResource=true',
      'PeerAuthentication strict: Replace=true,SkipDryRunOnMissingResource=true',
      'Widget w: SkipDryRunOnMissingResource=true',
    ]);
    // built-in kinds and the CRDs themselves are applied normally, in their waves
    expect(manifests.find(m => m.kind === 'CustomResourceDefinition').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-3' });
  });

  test('re-synth stays identical (the option is added once)', () => {
    expect(JSON.stringify(app(true))).toEqual(JSON.stringify(app(true)));
  });

  test('without sync waves, nothing is added', () => {
    const manifests = app(false);
    expect(manifests.filter(m => m.metadata.annotations?.[SYNC_OPTIONS]?.includes('SkipDryRun'))).toEqual([]);
  });

  test('App.synth() writes the same files with the mesh analysis on and off: it renders each object once, after the sync options are added', () => {
    const on = synthFiles(true, true);
    expect(Object.keys(on)).toEqual(['istio.k8s.yaml', 'shop.k8s.yaml']);
    expect(on['istio.k8s.yaml']).toMatch(/kind: Telemetry\nmetadata:\n {2}annotations:\n {4}argocd.argoproj.io\/sync-options: SkipDryRunOnMissingResource=true/);
    expect(on).toEqual(synthFiles(true, false));
  });
});
