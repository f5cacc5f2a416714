// The package's programmatic entry: run the command line, or a check, from JavaScript.
// `import { main, runCheck, checkRequest } from 'mmucheck'`.
export { main } from './cli/main.ts';
export { checkRequest, type CheckRequest } from './cli/request.ts';
export { EXIT, runCheck, type RunOutcome } from './cli/run-check.ts';
export { VERSION } from './cli/output.ts';
export { closePools } from './explore/parallel.ts';
export type { ExploreResult } from './explore/bfs.ts';
