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

  test.each(['ftp://a.example.com/jwks', 'not a url', 'https://'])('fails the jwksUri %s', (uri) => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@example.com', jwksUri: uri })).toThrow(/test\/Jwt: jwtRules\[0\]\.jwksUri .* is invalid: must be an http:\/\/ or https:\/\/ URL/);
  });

  test.each(['{"kty":"RSA"}', 'not json', '{"keys":[]}'])('fails the inline jwks %s', (jwks) => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@example.com', jwks })).toThrow(/test\/Jwt: jwtRules\[0\]\.jwks .* is invalid: must be a JSON Web Key Set/);
  });

  test.each(['https//accounts.example.com', 'http://', 'ftp://issuer.example.com', 'https://bad host.com'])('fails the issuer URL %s', (issuer) => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer })).toThrow(/test\/Jwt: jwtRules\[0\]\.issuer .* is invalid/);
  });

  test('fails an empty issuer', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: '' })).toThrow(/test\/Jwt: jwtRules\[0\]\.issuer "" is invalid: must be the non-empty issuer/);
  });

  test('fails bad header names and claims', () => {
    const chart = Testing.chart();
    const ra = new RequestAuthentication(chart, 'Jwt');
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', fromHeaders: [{ name: 'bad header' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.fromHeaders\[0\]\.name "bad header" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputPayloadToHeader: 'x:payload' })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputPayloadToHeader "x:payload" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputClaimToHeaders: [{ header: 'x user', claim: 'sub' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputClaimToHeaders\[0\]\.header "x user" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputClaimToHeaders: [{ header: 'x-user', claim: '' }] })).toThrow(/test\/Jwt: jwtRules\[0\]\.outputClaimToHeaders\[0\]\.claim "" is invalid/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', outputClaimToHeaders: [{ header: 'x-user', claim: 'sub' }, { header: 'X-User', claim: 'email' }] }))
      .toThrow(/test\/Jwt: jwtRules\[0\]\.outputClaimToHeaders "x-user" is invalid: must be unique/);
    expect(() => ra.addJwtRule({ issuer: 'a@b.c', fromParams: ['a b'] })).toThrow(/test\/Jwt: jwtRules\[0\]\.fromParams\[0\] "a b" is invalid/);
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
