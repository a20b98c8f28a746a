import { MessagePort, workerData } from 'worker_threads';
import type { WorkerAnswer } from './background-graphs';

/**
 * The worker thread that draws an app's mesh graph while the main thread writes the YAML
 * (see background-graphs.ts): it takes one job from its port, posts the files back (or the
 * error), then raises the flag the main thread waits on. Internal.
 */
const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };
port.once('message', job => {
  let answer: WorkerAnswer;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { drawGraphs } = require('./graph-job') as typeof import('./graph-job');
    try {
      answer = { files: drawGraphs(job) };
    } catch (e) {
      answer = { error: (e as Error).stack ?? String(e) };
    }
  } catch {
    answer = {}; // the drawing cannot load here: the main thread draws in place
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  port.close();
});
