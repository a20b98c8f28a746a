import { getPriority, setPriority } from 'os';
import { MessagePort, workerData } from 'worker_threads';
import type { WorkerAnswer } from './background-graphs';

/**
 * The worker thread that draws an app's mesh graph while the main thread writes the YAML
 * (see background-graphs.ts): it takes one job from its port, posts the files back (or the
 * error), then raises the flag the main thread waits on. Internal.
 */
const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

/**
 * How much nicer (lower in priority) than the main thread this thread runs. The main thread
 * writes the YAML, which is what the synthesis waits for; the graph is usually ready long before
 * it. At equal priority the drawing competes with the main thread and its garbage collector for
 * the cores, and a 1,000-service synth took longer on two cores (BENCHMARKS.md). A small step, so
 * that a busy machine slows the drawing, which the main thread may end up waiting for, without
 * starving it. Threads a thread starts inherit its nice value: this one does its I/O
 * synchronously, so that libuv's shared thread pool is never started from here.
 */
const NICER_BY = 5;

// Linux gives each thread its own nice value (a new thread starts with its creator's); elsewhere
// it is the whole process's, so it stays
if (process.platform === 'linux') {
  try {
    setPriority(Math.min(19, getPriority() + NICER_BY));
  } catch {
    // not allowed here: the drawing runs at the main thread's priority
  }
}
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
