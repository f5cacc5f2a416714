// Entry of a piscina worker thread: load the TypeScript sources through tsx (resolved from
// this file, so it works from any working directory), then serve level tasks.
import { register } from 'tsx/esm/api';

register();
const { expandLevel } = await import('./worker.ts');
export default expandLevel;
