import { App } from 'cdk8s';

/**
 * Work around `App.synth()` of an app: what the library does after the files are written (the
 * mesh graph), when the synthesis fails, and whether a synthesis is running (the prerendered
 * CRDs). One wrapper per app, however many parts of the library need one. Internal.
 */
export interface SynthesisHook {
  /** Runs after `App.synth()` wrote its files. */
  readonly after?: () => void;
  /** Runs when `App.synth()` throws, before the error goes on. */
  readonly failed?: () => void;
}

const hooks = new WeakMap<App, SynthesisHook[]>();
const running = new WeakSet<App>();
let runningCount = 0;

/** Runs `hook` around every `App.synth()` of `app`; without one, only tells `inSynthesis` when it runs. */
export function aroundSynthesis(app: App, hook: SynthesisHook = {}): void {
  const existing = hooks.get(app);
  if (existing) {
    if (hook.after || hook.failed) existing.push(hook);
    return;
  }
  const list = hook.after || hook.failed ? [hook] : [];
  hooks.set(app, list);
  const synth = app.synth.bind(app);
  Object.defineProperty(app, 'synth', {
    configurable: true,
    writable: true,
    value: () => {
      running.add(app);
      runningCount++;
      try {
        synth();
      } catch (e) {
        list.forEach(h => h.failed?.());
        throw e;
      } finally {
        running.delete(app);
        runningCount--;
      }
      list.forEach(h => h.after?.());
    },
  });
}

/** Whether `App.synth()` of `app` (of any app when none is given) is running. */
export function inSynthesis(app?: App): boolean {
  return app ? running.has(app) : runningCount > 0;
}
