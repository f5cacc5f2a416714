// Entry of a piscina worker thread: load the TypeScript sources through tsx (resolved from
// this file, so it works from any working directory), then serve level tasks. Once every
// module is loaded it says so: the pool must not terminate a thread while it is still
// loading (that can take the whole process down), so closing waits for this message.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { expandLevel } = await import('./worker.ts');
parentPort?.postMessage({ mmucheckWorkerReady: true });
export default expandLevel;
