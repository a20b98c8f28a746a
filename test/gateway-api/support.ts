import { Chart, Testing } from 'cdk8s';
import { expectValidManifests } from '../support/istio-validate';

/** Synthesizes the chart, checks every object with the independent validators, returns them. */
export function synthValid(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  expectValidManifests(manifests);
  return manifests;
}

/** The objects of a kind. */
export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter(m => m.kind === kind);
}

/** A chart in namespace `ns` (when given). */
export function chartIn(ns?: string): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', ns ? { namespace: ns } : {});
}
