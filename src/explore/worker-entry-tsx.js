// Entry of a piscina worker thread when mmucheck runs from its TypeScript sources (a checkout
// without a fresh build, and the test suite): load them through tsx, resolved from this file
// so it works from any working directory. The compiled package uses worker-entry.ts instead.
import { register } from 'tsx/esm/api';

register();
const { default: expandLevel } = await import('./worker-entry.ts');
export default expandLevel;
