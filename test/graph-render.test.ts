/**
 * Each bookinfo scenario's diagrams, rendered by Mermaid's own renderer in a real headless
 * browser (Debian's chromium; Mermaid from node_modules): rendering succeeds and the SVG holds
 * the labels a reader looks for. One browser for every scenario.
 *
 * Skipped, and says so, when no browser is installed, unless CDK8S_ISTIO_REQUIRE_BROWSER is
 * set (as .ci/run sets it, after installing chromium).
 */
import { bookinfoGraph } from './support/graph-helpers';
import { findBrowser, MermaidRenderer } from './support/mermaid-browser';
import { BookinfoIngress } from '../examples/bookinfo/bookinfo-gateway-api';
import { Scenario, SCENARIOS } from '../examples/bookinfo/scenarios';
import { mermaidBlocks } from '../src/graph/markdown';

const browser = findBrowser();
if (!browser) {
  const message = 'graph-render: no Chromium found (/usr/bin/chromium, or CHROME_PATH): the Mermaid rendering test is skipped. '
    + 'Install it with `apt-get install -y chromium`.';
  if (process.env.CDK8S_ISTIO_REQUIRE_BROWSER) throw new Error(`${message} CDK8S_ISTIO_REQUIRE_BROWSER is set, so this fails.`);
  // eslint-disable-next-line no-console
  console.warn(message);
}
const maybe = browser ? describe : describe.skip;

/** What the SVG of the bookinfo chart must show, beyond what every scenario has. */
const ROUTED: Record<string, string[]> = {
  [Scenario.DEFAULT]: ['Service bookinfo/reviews'],
  [Scenario.PERMISSIVE]: ['mTLS PERMISSIVE'],
  [Scenario.ALL_V1]: ['bookinfo/reviews subset v1'],
  [Scenario.JASON_V2]: ['header end-user = jason', 'otherwise'],
  [Scenario.REVIEWS_50_50_V3]: ['50%', 'bookinfo/reviews subset v3'],
  [Scenario.REVIEWS_80_20]: ['80%', '20%'],
  [Scenario.REVIEWS_90_10]: ['90%', '10%'],
  [Scenario.REVIEWS_V3]: ['bookinfo/reviews subset v3', 'no route leads here'],
  [Scenario.RATINGS_DELAY]: ['fault: delay 7s for 100%'],
  [Scenario.RATINGS_ABORT]: ['fault: abort HTTP 500 for 100%'],
};

maybe('Mermaid renders every bookinfo scenario in a headless browser', () => {
  let renderer: MermaidRenderer;
  beforeAll(async () => {
    renderer = await MermaidRenderer.start(browser!);
  }, 60_000);
  afterAll(async () => {
    await renderer?.close();
  });

  test('the table covers every scenario', () => {
    expect(Object.keys(ROUTED).sort()).toEqual([...SCENARIOS].sort());
  });

  test('a diagram Mermaid cannot parse fails (the check can fail)', async () => {
    await expect(renderer.render('flowchart LR\n  a -->|"x| b\n')).rejects.toThrow();
  });

  test.each(SCENARIOS)('%s: every chart renders, and the bookinfo chart shows its routing', async scenario => {
    const { markdown } = bookinfoGraph(scenario as Scenario);
    for (const [file, text] of Object.entries(markdown)) {
      for (const block of mermaidBlocks(text)) {
        const svg = await renderer.render(block);
        expect(svg).toMatch(/^<svg[^>]*aria-roledescription="flowchart-v2"/);
        if (file === '03-bookinfo.mesh.md') {
          for (const label of [
            'Gateway bookinfo/bookinfo-gateway', 'VirtualService bookinfo/bookinfo', 'uri = /productpage',
            'Deployment bookinfo/reviews-v1', 'Deployment bookinfo/ratings-v1', 'namespace bookinfo',
            ...ROUTED[scenario],
          ]) {
            expect(svg).toContain(label);
          }
        }
      }
    }
  }, 60_000);

  test('the Gateway API style renders too', async () => {
    const { markdown } = bookinfoGraph(Scenario.REVIEWS_90_10, BookinfoIngress.GATEWAY_API);
    const svg = await renderer.render(mermaidBlocks(markdown['03-bookinfo.mesh.md'])[0]);
    for (const label of ['Gateway bookinfo/bookinfo-gateway', 'HTTPRoute bookinfo/reviews', 'Service bookinfo/reviews-v2', '90%', '10%']) {
      expect(svg).toContain(label);
    }
  }, 60_000);
});
