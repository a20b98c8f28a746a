import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { addBookinfoStack } from '../../examples/bookinfo/bookinfo-stack';
import { FAILURE_EXIT_CODE, runCommand } from '../../src/analysis/command';

const REVIEWS = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 9080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: default }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: reviews, image: example/reviews:1 }] }
`;
const BAD_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: ratings } }] }]
`;
const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: web, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 8080, name: http, protocol: HTTP }, hosts: ['*'] }]
`;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'analyze-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCommand(args, { stdout: t => { out += t; }, stderr: t => { err += t; } });
  return { code, out, err };
}

describe('cdk8s-istio analyze', () => {
  test('prints one line per message in istioctl form and exits 79 at the Error threshold', () => {
    const d = dir({ 'app.yaml': `${REVIEWS}---\n${BAD_VS}` });
    const { code, out } = run(['analyze', d]);
    expect(out).toEqual('Error [IST0101] (VirtualService default/reviews) Referenced host not found: "ratings"\n');
    expect(code).toBe(FAILURE_EXIT_CODE);
  });

  test('reports what the API server would refuse as IST0106, with the field path', () => {
    const typo = BAD_VS.replace('host: ratings', 'host: reviews').replace('http: [{ route:', 'http: [{ retries: { attempts: 3, perTryTimout: 2s }, route:');
    const d = dir({ 'app.yaml': `${REVIEWS}---\n${typo}` });
    expect(run(['analyze', d])).toEqual({
      code: FAILURE_EXIT_CODE,
      out: 'Error [IST0106] (VirtualService default/reviews) Schema validation error: spec.http[0].retries: unknown field "perTryTimout"\n',
      err: '',
    });
  });

  test('is clean, exit 0, on consistent YAML; assumes the default ingress gateway', () => {
    const d = dir({ 'app.yaml': `${REVIEWS}---\n${GATEWAY}` });
    expect(run(['analyze', d])).toEqual({ code: 0, out: '\u2714 No validation issues found when analyzing 3 objects.\n', err: '' });
    expect(run(['analyze', '--no-default-gateway', d]).out).toMatch(/Error \[IST0101\] \(Gateway default\/web\) Referenced selector not found: "istio=ingressgateway"/);
  });

  test('--output json and yaml print { code, level, resource, message }', () => {
    const d = dir({ 'vs.yaml': BAD_VS, 'svc.yml': REVIEWS });
    const expected = [{ code: 'IST0101', level: 'Error', resource: 'VirtualService default/reviews', message: 'Referenced host not found: "ratings"' }];
    expect(JSON.parse(run(['analyze', '-o', 'json', d]).out)).toEqual(expected);
    expect(parse(run(['analyze', '--output=yaml', d]).out)).toEqual(expected);
  });

  test('thresholds: a Warning fails at --failure-threshold Warning; --output-threshold hides Info', () => {
    const d = dir({ 'app.yaml': `${REVIEWS}---\napiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: default }\nspec: { ports: [{ name: web, port: 80 }] }\n` });
    expect(run(['analyze', d])).toMatchObject({ code: 0, out: expect.stringMatching(/^Info \[IST0118\] \(Service default\/web\)/) });
    expect(run(['analyze', '--output-threshold', 'Warning', d]).out).toMatch(/No validation issues/);
    expect(run(['analyze', '--failure-threshold', 'Info', d]).code).toBe(FAILURE_EXIT_CODE);
  });

  test('--suppress "CODE=Kind ns/name" with globs, and the suppress annotation', () => {
    const d = dir({ 'app.yaml': `${REVIEWS}---\n${BAD_VS}` });
    expect(run(['analyze', '--suppress', 'IST0101=VirtualService default/reviews', d]).code).toBe(0);
    expect(run(['analyze', '-S', 'IST0101=VirtualService *', d]).code).toBe(0);
    expect(run(['analyze', '-S', 'IST0102=VirtualService *', d]).code).toBe(FAILURE_EXIT_CODE);
    const annotated = BAD_VS.replace('metadata: { name: reviews, namespace: default }', 'metadata: { name: reviews, namespace: default, annotations: { galley.istio.io/analyze-suppress: IST0101 } }');
    expect(run(['analyze', dir({ 'app.yaml': `${REVIEWS}---\n${annotated}` })]).code).toBe(0);
  });

  test('--mesh-config reads MeshConfig or the istio ConfigMap', () => {
    const d = dir({
      'app.yaml': `${REVIEWS}---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: { name: t, namespace: default }\nspec: { tracing: [{ randomSamplingPercentage: 5 }] }\n`,
      'mesh/mesh.yaml': 'defaultProviders: { tracing: [zipkin] }\n',
      'mesh/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio }\ndata:\n  mesh: |\n    defaultProviders: { tracing: [zipkin] }\n',
    });
    expect(run(['analyze', join(d, 'app.yaml')]).out).toMatch(/Warning \[IST0157\]/);
    expect(run(['analyze', '--mesh-config', join(d, 'mesh/mesh.yaml'), join(d, 'app.yaml')]).code).toBe(0);
    expect(run(['analyze', '--mesh-config', join(d, 'mesh/cm.yaml'), join(d, 'app.yaml')]).code).toBe(0);
  });

  test('a file that is not YAML, or an object it cannot read, is named, and the rest is still analyzed', () => {
    const d = dir({ 'app.yaml': `${REVIEWS}---\n${BAD_VS}`, 'broken.yaml': 'kind: [unclosed\n', 'odd.yaml': '- just\n- a list\n---\nkind: Service\n', 'nested/x.yaml': BAD_VS });
    const { code, out, err } = run(['analyze', d, join(d, 'missing.yaml')]);
    expect(err).toContain(`Error: ${join(d, 'broken.yaml')}: document 1 is not valid YAML:`);
    expect(err).toContain(`Error: ${join(d, 'odd.yaml')}: document 1 is not a Kubernetes object (a list)`);
    expect(err).toContain(`Error: ${join(d, 'odd.yaml')}: document 2 is not a Kubernetes object: it has no apiVersion or kind`);
    expect(err).toContain(`Error: ${join(d, 'missing.yaml')}: cannot be read (ENOENT)`);
    expect(out).toEqual('Error [IST0101] (VirtualService default/reviews) Referenced host not found: "ratings"\n');
    expect(code).toBe(FAILURE_EXIT_CODE);
    const recursive = run(['analyze', '-R', d]);
    expect(recursive.out.split('\n').filter(l => l)).toHaveLength(1);
    expect(recursive.err).toContain(`Warning: ${join(d, 'nested/x.yaml')}: VirtualService default/reviews is also defined in ${join(d, 'app.yaml')}; the later one is analyzed`);
    expect(run(['analyze', join(d, 'broken.yaml')]).code).toBe(1);
  });

  test('fails with usage for bad options', () => {
    expect(run(['analyze', '--output', 'xml', '.'])).toMatchObject({ code: 2, err: expect.stringMatching(/--output "xml" is invalid: use log, json or yaml/) });
    expect(run(['analyze', '--failure-threshold', 'Fatal', '.']).err).toMatch(/--failure-threshold "Fatal" is invalid: use Error, Warning or Info/);
    expect(run(['analyze', '--suppress', 'IST0101', '.']).err).toMatch(/expected CODE=Kind \[namespace\/\]name/);
    expect(run(['analyze']).err).toMatch(/no FILE or DIR given/);
    expect(run(['lint']).code).toBe(2);
  });

  test('analyzes the bookinfo example written by a synth: clean', () => {
    const out = mkdtempSync(join(tmpdir(), 'bookinfo-dist-'));
    const app = new App({ outdir: out });
    addBookinfoStack(app);
    app.synth();
    expect(run(['analyze', out])).toMatchObject({ code: 0, out: expect.stringMatching(/No validation issues found/) });
  });

  test('runs as a process: npx cdk8s-istio analyze, reading stdin', () => {
    const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', '--project', 'tsconfig.dev.json', 'src/cli.ts', 'analyze', '-'], {
      input: `${REVIEWS}---\n${BAD_VS}`, encoding: 'utf-8',
    });
    expect(result.stdout).toEqual('Error [IST0101] (VirtualService default/reviews) Referenced host not found: "ratings"\n');
    expect(result.status).toBe(FAILURE_EXIT_CODE);
  });
});
