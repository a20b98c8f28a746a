import { execFileSync } from 'child_process';
import { join } from 'path';

/**
 * Validates Istio objects with validators independent of this library (see
 * validate-istio.mjs): @kubernetes-models/istio, strict CRD-schema field validation, and the
 * CRD's CEL rules. Non-Istio objects are ignored. Returns the problems found.
 */
export function istioProblems(manifests: any[]): string[] {
  return manifestProblems(manifests.filter(m => typeof m?.apiVersion === 'string' && m.apiVersion.includes('istio.io/')));
}

/**
 * Validates every object: Istio objects as `istioProblems` does, and Kubernetes objects
 * (Deployments, Services, RBAC, webhooks, CRDs, ...) with kubernetes-models' schemas.
 */
export function manifestProblems(manifests: any[]): string[] {
  if (manifests.length === 0) return [];
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-istio.mjs')], {
    input: JSON.stringify(manifests),
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf-8',
    env: process.env, // jest's, which tests may change
  });
  const { problems, notes } = JSON.parse(out) as { problems: string[]; notes: string[] };
  for (const note of notes) console.warn(note);
  return problems;
}

/** Asserts that every Istio object in `manifests` passes the independent validators. */
export function expectValidIstio(manifests: any[]): void {
  expect(istioProblems(manifests)).toEqual([]);
}

/** Asserts that every object in `manifests` passes the independent validators. */
export function expectValidManifests(manifests: any[]): void {
  expect(manifestProblems(manifests)).toEqual([]);
}
