/**
 * The README's mesh graph section: its picture is what `BOOKINFO_SCENARIO=reviews-90-10 npm
 * run synth` writes for 03-bookinfo, so it cannot go stale; and its snippets work.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { addBookinfoStack } from '../examples/bookinfo/bookinfo-stack';
import { Scenario } from '../examples/bookinfo/scenarios';
import { MeshGraph, MeshGraphSplit } from '../src';
import { mermaidBlocks } from '../src/graph/markdown';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf-8');
const section = readme.slice(readme.indexOf('\n## Mesh graph\n'), readme.indexOf('\n## Development\n'));

test('the README shows the picture that synthesis writes for reviews-90-10, as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readme-graph-'));
  const app = new App({ outdir: dir });
  addBookinfoStack(app, { scenario: Scenario.REVIEWS_90_10 });
  app.synth();
  expect(readdirSync(dir).filter(f => f.endsWith('.mesh.md'))).toEqual([
    '00-istio-crds.mesh.md', '01-istio-control-plane.mesh.md', '02-istio-addons.mesh.md', '03-bookinfo.mesh.md',
  ]);
  const written = mermaidBlocks(readFileSync(join(dir, '03-bookinfo.mesh.md'), 'utf-8'));
  expect(written).toHaveLength(1);
  // regenerate: BOOKINFO_SCENARIO=reviews-90-10 npm run synth, and copy dist/03-bookinfo.mesh.md's block
  expect(mermaidBlocks(section)).toEqual(written);
  expect(written[0]).toContain('vs_bookinfo_reviews -->|"90%"| subset_bookinfo_reviews_v1');
});

test('the README snippets: split per ingress host, render for tooling, disable', () => {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'readme-graph-')) });
  addBookinfoStack(app, { scenario: Scenario.REVIEWS_90_10 });
  MeshGraph.configure(app, { split: MeshGraphSplit.INGRESS_HOST, maxNodes: 60 });
  const files = MeshGraph.render(app);
  expect(files['03-bookinfo.mesh.md']).toContain('## 03-bookinfo: ingress host *');
  expect(files['03-bookinfo.mesh.md']).toContain('## 03-bookinfo: mesh-internal routing');
  MeshGraph.disable(app);
  app.synth();
  expect(readdirSync(app.outdir).filter(f => f.endsWith('.mesh.md'))).toEqual([]);
});
