import { Duration, Testing } from 'cdk8s';
import { expectValidIstio } from './support/istio-validate';
import { WorkloadSelector } from '../src/core/workload-selector';
import { PolicyTargetReference } from '../src/security/policy-target-reference';
import { RequestAuthentication } from '../src/security/request-authentication';

const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xyz', kid: 'k1' }] });

describe('RequestAuthentication', () => {
  test('renders every JWT rule field', () => {
    // GIVEN
    const chart = Testing.chart();

    // WHEN
    const ra = new RequestAuthentication(chart, 'Jwt', {
      metadata: { name: 'ingress-jwt', namespace: 'istio-system' },
      selector: WorkloadSelector.fromLabels({ istio: 'ingressgateway' }),
      jwtRules: [{
        issuer: 'https://accounts.example.com',
        audiences: ['bookinfo', 'reviews'],
        jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }, { name: 'x-jwt-assertion' }],
        fromParams: ['access_token'],
        fromCookies: ['session'],
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }, { header: 'x-roles', claim: 'realm_access.roles' }],
        forwardOriginalToken: true,
        spaceDelimitedClaims: ['scope', 'custom_scopes'],
        timeout: Duration.millis(2500),
      }],
    });
    ra.addJwtRule({ issuer: 'testing@secure.istio.io', jwks: JWKS });

    // THEN
    const manifests = Testing.synth(chart);
    expect(manifests[0].apiVersion).toBe('security.istio.io/v1');
    expect(manifests[0].kind).toBe('RequestAuthentication');
    expect(manifests[0].spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      jwtRules: [
        {
          issuer: 'https://accounts.example.com',
          audiences: ['bookinfo', 'reviews'],
          jwksUri: 'https://accounts.example.com/.well-known/jwks.json',
          fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }, { name: 'x-jwt-assertion' }],
          fromParams: ['access_token'],
          fromCookies: ['session'],
          outputPayloadToHeader: 'x-jwt-payload',
          outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }, { header: 'x-roles', claim: 'realm_access.roles' }],
          forwardOriginalToken: true,
          spaceDelimitedClaims: ['scope', 'custom_scopes'],
          timeout: '2500ms',
        },
        { issuer: 'testing@secure.istio.io', jwks: JWKS },
      ],
    });
    expectValidIstio(manifests);
  });

  test('attaches to a Gateway through targetRefs', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt', { metadata: { namespace: 'bookinfo' } });
    ra.addTargetRef(PolicyTargetReference.fromGateway('bookinfo-gateway'));
    ra.addJwtRule({ issuer: 'https://issuer.example.com', timeout: Duration.seconds(5) });
    const manifests = Testing.synth(chart);
    expect(manifests[0].spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }],
      jwtRules: [{ issuer: 'https://issuer.example.com', timeout: '5s' }],
    });
    expectValidIstio(manifests);
  });

  test('fails selector together with targetRefs', () => {
    const chart = Testing.chart();
    expect(() => new RequestAuthentication(chart, 'Jwt', {
      selector: WorkloadSelector.fromLabels({ app: 'x' }),
      targetRefs: [PolicyTargetReference.fromServiceName('x')],
    })).toThrow(/test\/Jwt: targetRefs\[0\] "Service\/x" is invalid: a policy takes either a selector or targetRefs, not both/);
  });

  test('fails jwksUri together with jwks', () => {
    const chart = Testing.chart();
    expect(() => new RequestAuthentication(chart, 'Jwt', {
      jwtRules: [{ issuer: 'https://a.example.com', jwksUri: 'https://a.example.com/jwks', jwks: JWKS }],
    })).toThrow(/test\/Jwt: jwtRules\[0\]\.jwks .* is invalid: set only one of jwksUri and jwks/);
  });

  test.each(['ftp://a.example.com/jwks', 'not a url', 'https://a.example.com/%zz', 'https://a.example.com:80x/jwks', 'https://bad host.com/jwks', 'https://a.example.com/\u0007'])('fails the jwksUri %s', (uri) => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@example.com', jwksUri: uri })).toThrow(/test\/Jwt: jwtRules\[0\]\.jwksUri .* is invalid: must be an http:\/\/ or https:\/\/ URL/);
  });

  test.each([
    '{"kty":"RSA"}', 'not json', '[]', '{"keys":{}}', '{"keys":[{"kty":"RSA","n":"AQAB"}]}', '{"keys":[{"kty":"EC","crv":"P-256","x":"AQ"}]}',
    '{"keys":[{"kty":"EC","crv":"P-999","x":"AQ","y":"AQ"}]}', '{"keys":[{"kty":"oct"}]}', '{"keys":[{"kty":"XYZ"}]}', '{"keys":[{"kty":"RSA","n":"not base64!","e":"AQAB"}]}',
  ])('fails the inline jwks %s', (jwks) => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@example.com', jwks })).toThrow(/test\/Jwt: jwtRules\[0\]\.jwks .* is invalid: must be a JSON Web Key Set/);
  });

  test.each(['{"kty":"RSA","n":"AQAB","e":"AQAB"}', '{"keys":[]}', '{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}'])(
    'accepts the inline jwks %s, as Istio parses it (a key set or a single key)', (jwks) => {
      const chart = Testing.chart();
      new RequestAuthentication(chart, 'Jwt', { jwtRules: [{ issuer: 'a@example.com', jwks }] });
      const [obj] = Testing.synth(chart);
      expect(obj.spec.jwtRules[0].jwks).toEqual(jwks);
      expectValidIstio([obj]);
    });

  test.each(['https://accounts.example.com:8443/keys?x=%20#frag', 'HTTP://a.example.com/jwks'])('accepts the jwksUri %s', (jwksUri) => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'Jwt', { jwtRules: [{ issuer: 'a@example.com', jwksUri }] });
    expect(Testing.synth(chart)[0].spec.jwtRules[0].jwksUri).toEqual(jwksUri);
  });

  test('accepts any non-empty issuer, audiences and header names, duplicates included (Istio only requires non-empty values)', () => {
    const chart = Testing.chart();
    new RequestAuthentication(chart, 'Jwt', {
      jwtRules: [{
        issuer: 'https//not-a-url but fine',
        audiences: ['a', 'a'],
        fromHeaders: [{ name: 'x-jwt' }, { name: 'X-Jwt' }],
        fromParams: ['a b'],
        outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }, { header: 'X-User', claim: 'email' }],
      }],
    });
    const [obj] = Testing.synth(chart);
    expect(obj.spec.jwtRules[0].audiences).toEqual(['a', 'a']);
    expect(obj.spec.jwtRules[0].fromParams).toEqual(['a b']);
    expectValidIstio([obj]);
  });

  test('fails an empty issuer', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: '' })).toThrow(/test\/Jwt: jwtRules\[0\]\.issuer "" is invalid: must be the non-empty issuer/);
  });

  test('fails bad header names and claims', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', fromHeaders: [{ name: '' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.fromHeaders\[0\]\.name "" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputPayloadToHeader: 'x:payload' })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputPayloadToHeader "x:payload" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputClaimToHeaders: [{ header: 'x user', claim: 'sub' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputClaimToHeaders\[0\]\.header "x user" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputClaimToHeaders: [{ header: 'x-user', claim: '' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputClaimToHeaders\[0\]\.claim "" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', fromParams: [''] })).toThrow(/test\/Jwt: jwtRules\[0\]\.fromParams\[0\] "" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', fromCookies: [''] })).toThrow(/test\/Jwt: jwtRules\[0\]\.fromCookies\[0\] "" is invalid/);
  });

  test('fails a timeout under 1ms and too many space-delimited claims', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', timeout: Duration.millis(0) })).toThrow(/test\/Jwt: jwtRules\[0\]\.timeout .* is invalid: must be at least 1ms/);
    const claims = Array.from({ length: 65 }, (_, i) => `c${i}`);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', spaceDelimitedClaims: claims })).toThrow(/test\/Jwt: jwtRules\[0\]\.spaceDelimitedClaims .* takes at most 64 claims/);
  });
});
