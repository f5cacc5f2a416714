// Entry of a piscina worker thread: serve level tasks. Once every module is loaded (the static
// import below) it says so: the pool must not terminate a thread while it is still loading
// (that can take the whole process down), so closing waits for this message.
import { parentPort } from 'node:worker_threads';
import { expandLevel } from './worker.ts';

// Fault injection for the tests (test/cli/hostile.test.ts): a thread that cannot start, or a
// task that throws. Nothing else reads this variable.
const fault = process.env.MMUCHECK_TEST_WORKER_FAULT;
if (fault === 'start') throw new Error('injected: the thread could not start');
parentPort?.postMessage({ mmucheckWorkerReady: true });
export default fault === 'task'
  ? () => {
      throw new Error('injected: a task threw');
    }
  : expandLevel;
