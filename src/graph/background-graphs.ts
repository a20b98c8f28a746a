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
 * is no script. The worker's failure is reported by `collect()` as the in-place drawing's
 * would be; a worker that cannot start, or has not answered after `patienceMs`, falls back to
 * drawing in place.
 */
export function drawInBackground(job: GraphJob, script = workerScript(), patienceMs = 60_000 + 2 * job.inputs.length): PendingGraphs {
  if (!script) return { collect: () => drawGraphs(job), cancel: () => undefined };
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { port: port2, flag }, transferList: [port2] });
  } catch {
    port1.close();
    return { collect: () => drawGraphs(job), cancel: () => undefined };
  }
  // a worker that fails outside the drawing (it cannot load) never raises the flag: the wait
  // below ends at the deadline, and its error event must not take the process down meanwhile
  worker.on('error', () => undefined);
  worker.unref();
  port1.postMessage(job);
  // a worker that dies without answering (out of memory) cannot be seen from a blocked thread:
  // past a deadline far beyond any drawing's time, the graph is drawn in place instead
  const deadline = Date.now() + patienceMs;
  return {
    collect: () => {
      while (Atomics.load(flag, 0) === 0 && Date.now() < deadline) Atomics.wait(flag, 0, 0, Math.max(1, Math.min(1000, deadline - Date.now())));
      const answer: { files?: Array<[string, string]>; error?: string } | undefined = Atomics.load(flag, 0) === 1
        ? receiveMessageOnPort(port1)?.message : undefined;
      port1.close();
      void worker.terminate();
      if (answer?.error !== undefined) throw new Error(`cdk8s-istio mesh graph: ${answer.error}`);
      return answer?.files ?? drawGraphs(job);
    },
    cancel: () => {
      port1.close();
      void worker.terminate();
    },
  };
}
