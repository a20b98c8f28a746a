/**
 * A generated mesh of N services for the benchmark: per service two Deployments (v1 and v2)
 * and a Service, a DestinationRule with subsets v1/v2 and a VirtualService routing 90/10. Both
 * subsets select pods, so the mesh analysis finds nothing to report.
 *
 *   node bench-out/test/bench/generated-mesh.js <N> istio     # raw workloads + cdk8s-istio
 *   node bench-out/test/bench/generated-mesh.js <N> library   # cdk8s-plus workloads + cdk8s-istio
 *   node bench-out/test/bench/generated-mesh.js <N> raw       # raw cdk8s ApiObjects (baseline)
 */
import { ApiObject, App, Chart } from 'cdk8s';
import type * as kplusTypes from 'cdk8s-plus-27';
import type * as libraryTypes from '../../src';

const [countArg, mode] = process.argv.slice(2);
const count = Number(countArg);
if (!Number.isInteger(count) || count < 1 || !['istio', 'library', 'raw'].includes(mode)) {
  throw new Error('usage: generated-mesh <N> istio|library|raw');
}

// Loaded only by the modes that use them, so the baseline pays for neither.
/* eslint-disable @typescript-eslint/no-require-imports */
const kplus: typeof kplusTypes = mode === 'library' ? require('cdk8s-plus-27') : undefined;
const { Destination, DestinationRule, VirtualService }: typeof libraryTypes = mode !== 'raw' ? require('../../src') : {};
/* eslint-enable @typescript-eslint/no-require-imports */

const app = new App();
const chart = new Chart(app, 'mesh', { namespace: 'bench' });
const image = 'registry.example.com/app:1.0.0';

for (let i = 0; i < count; i++) {
  const name = `svc-${i}`;
  if (mode === 'library') {
    addPlusWorkload(name);
    addIstioObjects(name);
  } else if (mode === 'istio') {
    addRawWorkload(name);
    addIstioObjects(name);
  } else {
    addRawWorkload(name);
    addRawIstioObjects(name);
  }
}
app.synth();

function addPlusWorkload(name: string): void {
  for (const version of ['v1', 'v2']) {
    const labels = { app: name, version };
    const deployment = new kplus.Deployment(chart, `${name}-deployment-${version}`, {
      metadata: { name: `${name}-${version}`, labels },
      select: false,
      podMetadata: { labels },
      containers: [{ name: 'app', image, portNumber: 8080, securityContext: { user: 1000 } }],
    });
    deployment.select(kplus.LabelSelector.of({ labels }));
  }
  const service = new kplus.Service(chart, `${name}-service`, {
    metadata: { name },
    ports: [{ port: 80, targetPort: 8080, name: 'http' }],
  });
  service.selectLabel('app', name);
}

function addIstioObjects(name: string): void {
  const rule = new DestinationRule(chart, `${name}-rule`, { metadata: { name }, host: name });
  const v1 = rule.addSubset('v1', { labels: { version: 'v1' } });
  const v2 = rule.addSubset('v2', { labels: { version: 'v2' } });
  new VirtualService(chart, `${name}-routes`, {
    metadata: { name },
    hosts: [name],
    http: [{
      route: [
        { destination: Destination.fromSubset(v1), weight: 90 },
        { destination: Destination.fromSubset(v2), weight: 10 },
      ],
    }],
  });
}

function addRawWorkload(name: string): void {
  for (const version of ['v1', 'v2']) addRawDeployment(name, version);
  new ApiObject(chart, `${name}-service`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080, name: 'http' }], selector: { app: name } },
  });
}

function addRawDeployment(name: string, version: string): void {
  const labels = { app: name, version };
  new ApiObject(chart, `${name}-deployment-${version}`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${name}-${version}`, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          containers: [{
            name: 'app',
            image,
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 8080 }],
            securityContext: {
              allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000,
            },
            resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
          }],
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
        },
      },
    },
  });
}

function addRawIstioObjects(name: string): void {
  new ApiObject(chart, `${name}-rule`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name },
    spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] },
  });
  new ApiObject(chart, `${name}-routes`, {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name },
    spec: {
      hosts: [name],
      http: [{
        route: [
          { destination: { host: name, subset: 'v1' }, weight: 90 },
          { destination: { host: name, subset: 'v2' }, weight: 10 },
        ],
      }],
    },
  });
}
