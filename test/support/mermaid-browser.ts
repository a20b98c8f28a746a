import { existsSync } from 'fs';
import puppeteer, { Browser } from 'puppeteer-core';

/**
 * Mermaid's own renderer in a headless Chromium (Debian's `chromium` package, or the browser
 * named by CHROME_PATH), for tests that check that a diagram renders as a reader sees it.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The browser executable, or undefined when none is installed. */
export function findBrowser(): string | undefined {
  const fromEnv = process.env.CHROME_PATH ?? process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find(existsSync);
}

export class MermaidRenderer {
  /** Starts the browser and loads Mermaid (from node_modules: nothing is downloaded). */
  public static async start(executablePath: string): Promise<MermaidRenderer> {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
    const renderer = new MermaidRenderer(browser);
    const page = await renderer.page();
    await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
    await page.addScriptTag({ path: require.resolve('mermaid/dist/mermaid.min.js') });
    await page.evaluate(() => (globalThis as any).mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' }));
    return renderer;
  }

  private counter = 0;

  private constructor(private readonly browser: Browser) {}

  private async page() {
    const pages = await this.browser.pages();
    return pages[0] ?? this.browser.newPage();
  }

  /** The SVG Mermaid renders; throws with Mermaid's message when the source does not parse. */
  public async render(source: string): Promise<string> {
    const page = await this.page();
    const id = `diagram${this.counter++}`;
    return page.evaluate(async (text: string, elementId: string) => {
      const { svg } = await (globalThis as any).mermaid.render(elementId, text);
      return svg as string;
    }, source, id);
  }

  public async close(): Promise<void> {
    await this.browser.close();
  }
}
