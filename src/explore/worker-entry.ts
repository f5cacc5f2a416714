// Entry of a piscina worker thread: serve level tasks. Once every module is loaded (the static
// import below) it says so: the pool must not terminate a thread while it is still loading
// (that can take the whole process down), so closing waits for this message.
import { parentPort } from 'node:worker_threads';
import { expandLevel } from './worker.ts';

parentPort?.postMessage({ mmucheckWorkerReady: true });
export default expandLevel;
