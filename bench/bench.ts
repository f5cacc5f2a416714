// `npm run bench`: distinct states/s, transitions/s and memory per distinct state on fixed
// models at fixed sizes. Figures quoted in the README and in issue notes come from here.
// (Worker scaling and the SPIN comparison arrive with the parallel engine.)
import { join } from 'node:path';
import { buildSystem } from '../src/cli/pipeline.ts';
import { instantiate } from '../src/compile/system.ts';
import { explore } from '../src/explore/bfs.ts';

const ROOT = join(import.meta.dirname, '..');
const CASES: { label: string; model: string; consts: Record<string, string> }[] = [
  { label: 'token-pool P=5 T=3', model: 'models/examples/token-pool.mmu', consts: { P: '5', T: '3' } },
  { label: 'bbm-leaf-mini CPUS=4', model: 'models/examples/bbm-leaf-mini.mmu', consts: { CPUS: '4' } },
];
if (process.argv.includes('--large')) CASES.push({ label: 'token-pool P=6 T=3', model: 'models/examples/token-pool.mmu', consts: { P: '6', T: '3' } });

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log('model                       states        states/s   transitions/s  engine B/state  peak RSS B/state');
for (const c of CASES) {
  const built = buildSystem(join(ROOT, c.model), c.consts);
  if (!built.system) throw new Error(`${c.model} does not compile`);
  const rssBefore = process.memoryUsage().rss;
  const r = await explore(built.system, instantiate(built.system));
  const secs = r.durationMs / 1000;
  console.log(
    [
      c.label.padEnd(24),
      fmt(r.states).padStart(12),
      fmt(r.states / secs).padStart(14),
      fmt(r.transitions / secs).padStart(15),
      (r.engineBytes / r.states).toFixed(1).padStart(15),
      (Math.max(0, r.peakMemoryBytes - rssBefore) / r.states).toFixed(1).padStart(17),
    ].join(' '),
  );
}
console.log('1 worker (the parallel engine is not built yet); run with --large for the 30 M-state size');
