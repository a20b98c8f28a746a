import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { expectValidManifests } from './support/istio-validate';
import { IstioMesh } from '../src/install/istio-mesh';
import { Profile } from '../src/install/profile';

/*
 * Parity with what `istioctl install` applies on top of `istioctl manifest generate` for a
 * default (non-revisioned) Istio 1.30.3 install, and with what `istioctl tag set` writes.
 * The expected objects are the upstream facts, written out here: names, namespaces, ports,
 * selectors, webhook rules and the labels that select or identify something. Labels that only
 * record the tool (`app.kubernetes.io/managed-by: Helm`, `helm.sh/chart`,
 * `install.operator.istio.io/owning-resource`) are not compared.
 */

const INJECT = { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] };
const VALIDATE = {
  operations: ['CREATE', 'UPDATE'],
  apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
  apiVersions: ['*'],
  resources: ['*'],
};
const expr = (key: string, operator: string, ...values: string[]) => ({ key, operator, ...(values.length ? { values } : {}) });

/** The injection webhooks of `istio-revision-tag-<tag>`, calling `service`; the default tag has four. */
function tagWebhooks(tag: string, service: string) {
  const hook = (name: string, namespaceSelector: any[], objectSelector: any[]) => ({
    name,
    clientConfig: { service: { name: service, namespace: 'istio-system', path: '/inject', port: 443 } },
    sideEffects: 'None',
    rules: [INJECT],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector: { matchExpressions: namespaceSelector },
    objectSelector: { matchExpressions: objectSelector },
  });
  return [
    hook('rev.namespace.sidecar-injector.istio.io',
      [expr('istio.io/rev', 'In', tag), expr('istio-injection', 'DoesNotExist')],
      [expr('sidecar.istio.io/inject', 'NotIn', 'false')]),
    hook('rev.object.sidecar-injector.istio.io',
      [expr('istio.io/rev', 'DoesNotExist'), expr('istio-injection', 'DoesNotExist')],
      [expr('sidecar.istio.io/inject', 'NotIn', 'false'), expr('istio.io/rev', 'In', tag)]),
    ...(tag === 'default' ? [
      hook('namespace.sidecar-injector.istio.io',
        [expr('istio-injection', 'In', 'enabled')],
        [expr('sidecar.istio.io/inject', 'NotIn', 'false')]),
      hook('object.sidecar-injector.istio.io',
        [expr('istio-injection', 'DoesNotExist'), expr('istio.io/rev', 'DoesNotExist')],
        [expr('sidecar.istio.io/inject', 'In', 'true'), expr('istio.io/rev', 'DoesNotExist')]),
    ] : []),
  ];
}

const ISTIOD_PORTS = [
  { port: 15010, name: 'grpc-xds', protocol: 'TCP' },
  { port: 15012, name: 'https-dns', protocol: 'TCP' },
  { port: 443, name: 'https-webhook', targetPort: 15017, protocol: 'TCP' },
  { port: 15014, name: 'http-monitoring', protocol: 'TCP' },
];

function install(props: ConstructorParameters<typeof IstioMesh>[2] = {}) {
  const chart = Testing.chart();
  const mesh = new IstioMesh(chart, 'Istio', props);
  return { chart, mesh };
}

const find = (manifests: any[], kind: string, name: string) => manifests.find(m => m.kind === kind && m.metadata.name === name);

describe('default revision tag, as istioctl install applies it', () => {
  const manifests = Testing.synth(install({ profile: Profile.DEMO }).chart);

  test('a default demo install has the 3 default-tag objects', () => {
    expect(manifests.filter(m => m.metadata.labels?.['istio.io/tag'] !== undefined || m.metadata.name === 'istiod-default-validator')
      .map(m => `${m.kind} ${m.metadata.name}`)).toEqual([
      'Service istiod-revision-tag-default',
      'MutatingWebhookConfiguration istio-revision-tag-default',
      'ValidatingWebhookConfiguration istiod-default-validator',
    ]);
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
  });

  test('ValidatingWebhookConfiguration istiod-default-validator', () => {
    const vwc = find(manifests, 'ValidatingWebhookConfiguration', 'istiod-default-validator');
    expect(vwc.metadata.namespace).toBeUndefined();
    expect(vwc.metadata.labels).toMatchObject({
      'app': 'istiod',
      'release': 'istio',
      'istio': 'istiod',
      'istio.io/rev': 'default',
      'app.kubernetes.io/name': 'istiod',
      'app.kubernetes.io/instance': 'istio',
      'app.kubernetes.io/part-of': 'istio',
      'app.kubernetes.io/version': '1.30.3',
    });
    expect(vwc.webhooks).toEqual([{
      name: 'validation.istio.io',
      clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } },
      rules: [VALIDATE],
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    }]);
  });

  test('it validates Istio config without an istio.io/rev label, which istio-validator does not select', () => {
    const own = find(manifests, 'ValidatingWebhookConfiguration', 'istio-validator-istio-system').webhooks[0];
    expect(own.objectSelector).toEqual({ matchExpressions: [expr('istio.io/rev', 'In', 'default')] });
    const dflt = find(manifests, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0];
    expect(dflt.objectSelector).toBeUndefined();
    expect(dflt.namespaceSelector).toBeUndefined();
  });

  test('Service istiod-revision-tag-default', () => {
    const svc = find(manifests, 'Service', 'istiod-revision-tag-default');
    expect(svc.metadata.namespace).toEqual('istio-system');
    expect(svc.metadata.labels).toMatchObject({
      'istio.io/rev': 'default',
      'istio.io/tag': 'default',
      'operator.istio.io/component': 'Pilot',
      'app': 'istiod',
      'istio': 'pilot',
      'release': 'istio',
      'app.kubernetes.io/name': 'istiod',
    });
    expect(svc.spec).toEqual({ ports: ISTIOD_PORTS, selector: { app: 'istiod', istio: 'pilot' } });
  });

  test('MutatingWebhookConfiguration istio-revision-tag-default', () => {
    const mwc = find(manifests, 'MutatingWebhookConfiguration', 'istio-revision-tag-default');
    expect(mwc.metadata.labels).toMatchObject({
      'istio.io/tag': 'default',
      'istio.io/rev': 'default',
      'operator.istio.io/component': 'Pilot',
      'app': 'sidecar-injector',
      'release': 'istio',
      'app.kubernetes.io/name': 'istiod',
    });
    expect(mwc.webhooks).toEqual(tagWebhooks('default', 'istiod'));
  });

  test('the default revision\'s own injection webhooks are deactivated, as istioctl install leaves them', () => {
    // istioctl's DeactivateIstioInjectionWebhook: the webhook stays (the tag can move back) but
    // matches nothing; otherwise it and the tag would both inject the same pods (IST0139)
    const neverMatch = { matchLabels: { 'istio.io/deactivated': 'never-match' } };
    const injector = find(manifests, 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    expect(injector.webhooks.map((w: any) => [w.name, w.namespaceSelector, w.objectSelector])).toEqual(
      ['rev.namespace.', 'rev.object.', 'namespace.', 'object.'].map(prefix => [`${prefix}sidecar-injector.istio.io`, neverMatch, neverMatch]));
    // ... and only then: with another tool owning the default tag, it keeps its selectors
    const owned = Testing.synth(install({ profile: Profile.MINIMAL, defaultRevisionTag: false }).chart);
    expect(find(owned, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks[0].namespaceSelector)
      .toEqual({ matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }, { key: 'istio-injection', operator: 'DoesNotExist' }] });
  });

  test('every profile with istiod has it; the empty profile does not', () => {
    for (const profile of [Profile.DEFAULT, Profile.MINIMAL]) {
      const names = Testing.synth(install({ profile }).chart).map(m => m.metadata.name);
      expect(names).toEqual(expect.arrayContaining(['istiod-revision-tag-default', 'istio-revision-tag-default', 'istiod-default-validator']));
    }
    expect(Testing.synth(install({ profile: Profile.EMPTY }).chart)).toEqual([]);
  });

  test('defaultRevisionTag: false leaves them out, for when another tool owns them', () => {
    const names = Testing.synth(install({ profile: Profile.MINIMAL, defaultRevisionTag: false }).chart).map(m => m.metadata.name);
    expect(names.filter(n => /revision-tag|default-validator/.test(n))).toEqual([]);
    expect(names).toContain('istio-validator-istio-system');
  });

  test('istioctl records no revision tag in the values for its own default tag', () => {
    const values = JSON.parse(find(manifests, 'ConfigMap', 'values').data['merged-values']);
    expect(values.revisionTags).toEqual([]);
  });

  test('sync waves: the Service with the control plane, the webhooks with the webhooks', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Istio', { profile: Profile.MINIMAL, syncWaves: true });
    const all = Testing.synth(chart);
    const wave = (kind: string, name: string) => find(all, kind, name).metadata.annotations['argocd.argoproj.io/sync-wave'];
    expect(wave('Service', 'istiod-revision-tag-default')).toEqual('0');
    expect(wave('MutatingWebhookConfiguration', 'istio-revision-tag-default')).toEqual('1');
    expect(wave('ValidatingWebhookConfiguration', 'istiod-default-validator')).toEqual('1');
  });
});

describe('revision tags', () => {
  test('every tag has its Service next to its webhook (the prod-stable tag of a default install)', () => {
    const { chart, mesh } = install({ profile: Profile.MINIMAL });
    mesh.addRevisionTag('prod-stable');
    const manifests = Testing.synth(chart);
    const svc = find(manifests, 'Service', 'istiod-revision-tag-prod-stable');
    expect(svc.metadata.namespace).toEqual('istio-system');
    expect(svc.metadata.labels).toMatchObject({ 'istio.io/rev': 'default', 'istio.io/tag': 'prod-stable', 'app': 'istiod', 'istio': 'pilot' });
    expect(svc.spec).toEqual({ ports: ISTIOD_PORTS, selector: { app: 'istiod', istio: 'pilot' } });
    const mwc = find(manifests, 'MutatingWebhookConfiguration', 'istio-revision-tag-prod-stable');
    expect(mwc.metadata.labels).toMatchObject({ 'istio.io/tag': 'prod-stable', 'istio.io/rev': 'default', 'app': 'sidecar-injector' });
    expect(mwc.webhooks).toEqual(tagWebhooks('prod-stable', 'istiod'));
    // the Service comes right before its webhook; only the default tag has a validator
    const names = manifests.map(m => m.metadata.name);
    expect(names.indexOf('istio-revision-tag-prod-stable')).toEqual(names.indexOf('istiod-revision-tag-prod-stable') + 1);
    expect(names.filter(n => n === 'istiod-default-validator')).toHaveLength(1);
    expectValidManifests(manifests.filter(m => m.kind !== 'CustomResourceDefinition'));
  });

  test('a tag of a revision selects that revision\'s istiod', () => {
    const { chart } = install({ profile: Profile.MINIMAL, revision: '1-30-3', revisionTags: ['prod-canary'] });
    const manifests = Testing.synth(chart);
    const svc = find(manifests, 'Service', 'istiod-revision-tag-prod-canary');
    expect(svc.spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': '1-30-3' });
    expect(svc.metadata.labels).toMatchObject({ 'istio.io/rev': '1-30-3', 'istio.io/tag': 'prod-canary' });
  });

  test('a revisioned mesh has no default tag unless it asks: then the tag and the validator point at it', () => {
    const names = (props: any) => Testing.synth(install({ profile: Profile.MINIMAL, revision: 'canary', ...props }).chart).map(m => m.metadata.name);
    expect(names({}).filter(n => /revision-tag|default-validator/.test(n))).toEqual([]);
    const { chart } = install({ profile: Profile.MINIMAL, revision: 'canary', defaultRevisionTag: true });
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].clientConfig.service)
      .toEqual({ name: 'istiod-canary', namespace: 'istio-system', path: '/validate' });
    expect(find(manifests, 'ValidatingWebhookConfiguration', 'istiod-default-validator').metadata.labels['istio.io/rev']).toEqual('canary');
    expect(find(manifests, 'MutatingWebhookConfiguration', 'istio-revision-tag-default').webhooks).toEqual(tagWebhooks('default', 'istiod-canary'));
    expect(find(manifests, 'Service', 'istiod-revision-tag-default').spec.selector).toEqual({ 'app': 'istiod', 'istio.io/rev': 'canary' });
  });

  test('canary upgrade: move the default tag from the default revision to a new one', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Stable', { profile: Profile.MINIMAL, defaultRevisionTag: false });
    const canary = new IstioMesh(chart, 'Canary', { profile: Profile.MINIMAL, revision: '1-30-3' });
    canary.addRevisionTag('default');
    const manifests = Testing.synth(chart);
    expect(find(manifests, 'ValidatingWebhookConfiguration', 'istiod-default-validator').webhooks[0].clientConfig.service.name).toEqual('istiod-1-30-3');
    expect(manifests.filter(m => m.metadata.name === 'istio-revision-tag-default')).toHaveLength(1);
    // the default revision's own webhooks no longer inject: the tag does, for the canary
    expect(find(manifests, 'MutatingWebhookConfiguration', 'istio-sidecar-injector').webhooks[2].namespaceSelector)
      .toEqual({ matchLabels: { 'istio.io/deactivated': 'never-match' } });
  });

  test('the default revision is deactivated whichever of it and the default tag is declared first', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Canary', { profile: Profile.MINIMAL, revision: '1-30-3', defaultRevisionTag: true });
    new IstioMesh(chart, 'Stable', { profile: Profile.MINIMAL, defaultRevisionTag: false });
    const injector = find(Testing.synth(chart), 'MutatingWebhookConfiguration', 'istio-sidecar-injector');
    expect(injector.webhooks.map((w: any) => w.objectSelector)).toEqual(Array(4).fill({ matchLabels: { 'istio.io/deactivated': 'never-match' } }));
  });

  test('fails for a second default tag, naming the mesh that owns the first', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Stable', { profile: Profile.MINIMAL });
    const canary = new IstioMesh(chart, 'Canary', { profile: Profile.MINIMAL, revision: '1-30-3' });
    expect(() => canary.addRevisionTag('default')).toThrow(
      /test\/Canary: revisionTags\[\] "default" is invalid: must be unique in the app; this tag already points at revision "default" \(test\/Stable\); set defaultRevisionTag: false/);
  });

  test('fails for defaultRevisionTag on a second mesh when the first already has it', () => {
    const chart = Testing.chart();
    new IstioMesh(chart, 'Stable', { profile: Profile.MINIMAL });
    expect(() => new IstioMesh(chart, 'Canary', { profile: Profile.MINIMAL, revision: '1-30-3', defaultRevisionTag: true })).toThrow(
      /test\/Canary: defaultRevisionTag "default" is invalid: must be unique in the app/);
  });

  test('fails for the default tag on a mesh without revision: it already has it', () => {
    const { mesh } = install({ profile: Profile.MINIMAL, defaultRevisionTag: false });
    expect(() => mesh.addRevisionTag('default')).toThrow(
      /test\/Istio: revisionTags\[\] "default" is invalid: a mesh without revision points the "default" tag at itself \(see defaultRevisionTag\)/);
  });

  test('fails for a tag whose Service name would not be a DNS label', () => {
    const { mesh } = install({ profile: Profile.MINIMAL, revision: 'canary' });
    expect(() => mesh.addRevisionTag('a'.repeat(44))).toThrow(
      /test\/Istio: revisionTags\[\] "a{44}" is invalid: must be a lowercase RFC 1123 label of at most 43 characters .*istiod-revision-tag-<tag>/);
  });

  test('tag names: exactly the DNS labels that fit in the Service name are accepted (property)', () => {
    const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    const tags = fc.oneof(
      fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?$/), // labels, some too long
      fc.string({ unit: fc.constantFrom('a', 'z', '0', '9', '-', 'A', '.', '_'), minLength: 0, maxLength: 50 }),
    );
    fc.assert(fc.property(tags, tag => {
      const { chart, mesh } = install({ profile: Profile.MINIMAL, revision: 'canary' });
      const valid = tag.length <= 43 && label.test(tag);
      let error: unknown;
      try {
        mesh.addRevisionTag(tag);
      } catch (e) {
        error = e;
      }
      if (!valid) {
        expect(String(error)).toMatch(/revisionTags\[\] ".*" is invalid: must be a lowercase RFC 1123 label/);
        return;
      }
      expect(error).toBeUndefined();
      const svc = find(Testing.synth(chart), 'Service', `istiod-revision-tag-${tag}`);
      expect(svc.metadata.name.length).toBeLessThanOrEqual(63);
    }), { seed: 9, numRuns: 60 });
  });
});
