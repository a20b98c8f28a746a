import { existsSync } from 'fs';
import { join } from 'path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { drawGraphs, GraphJob } from './graph-job';

/**
 * Draws a big mesh graph on a worker thread while the main thread goes on with the synthesis
 * (converting the objects to YAML, the longest part), and hands the files over when the
 * synthesis has written its own: `App.synth()` stays synchronous, and a second core does the
 * drawing. Small meshes are drawn in place, where a thread would cost more than it saves.
 * Internal.
 */

/** From this many objects on, the graph is drawn on a worker thread. */
export const BACKGROUND_MIN_OBJECTS = 2000;

/** A graph being drawn: `collect()` waits for its files. */
export interface PendingGraphs {
  collect(): Array<[string, string]>;
  /** Stops the drawing: its files are not wanted. */
  cancel(): void;
}

/** Where the worker script is: beside this module once compiled. Tests point it at a build of their own. */
export const workerLocation: { script?: string } = {};

/** The compiled worker script; absent when running from TypeScript sources or a bundle. */
export function workerScript(): string | undefined {
  const file = workerLocation.script ?? join(__dirname, 'graph-worker.js');
  return existsSync(file) ? file : undefined;
}

/**
 * Starts drawing the job on a worker thread running `script`; draws it in place when there
 * is no script. An error of the drawing is reported by `collect()`; a worker that cannot
 * start or load the drawing, or has not answered after `patienceMs`, falls back to drawing in
 * place.
 */
export function drawInBackground(job: GraphJob, script = workerScript(), patienceMs = 20_000 + job.inputs.length): PendingGraphs {
  const inPlace = { collect: () => drawGraphs(job), cancel: () => undefined };
  if (!script) return inPlace;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { port: port2, flag }, transferList: [port2] });
    // a worker that fails outside the drawing (it cannot load) never raises the flag: the wait
    // below ends at the deadline, and its error event must not take the process down meanwhile
    worker.on('error', () => undefined);
    worker.unref();
    port1.postMessage(job);
  } catch {
    port1.close();
    return inPlace;
  }
  const stop = () => {
    port1.close();
    void worker.terminate();
  };
  return {
    collect: () => {
      // a worker that dies without answering (out of memory) cannot be seen from a blocked
      // thread: past the deadline, counted in waits (not the clock, which tests may stop),
      // the graph is drawn in place instead
      for (let waited = 0; Atomics.load(flag, 0) === 0 && waited < patienceMs; waited += 100) Atomics.wait(flag, 0, 0, 100);
      const answer: WorkerAnswer | undefined = Atomics.load(flag, 0) === 1 ? receiveMessageOnPort(port1)?.message : undefined;
      stop();
      if (answer?.error !== undefined) throw new Error(`cdk8s-istio mesh graph: ${answer.error}`);
      return answer?.files ?? drawGraphs(job);
    },
    cancel: stop,
  };
}

/** What the worker posts: the files, the drawing's error, or nothing it can say (it could not load the drawing). */
export interface WorkerAnswer {
  readonly files?: Array<[string, string]>;
  readonly error?: string;
}
