import { buildSystem } from '../src/cli/pipeline.ts';
import { exploreParallel } from '../src/explore/parallel.ts';
const [file, w, ...cs] = process.argv.slice(2);
const sys = buildSystem(file, Object.fromEntries(cs.map(c => c.split('=')))).system!;
const r = await exploreParallel(sys, { workers: Number(w), startBudget: Number(process.env.BUDGET ?? 50000) });
console.log(JSON.stringify({ ...r, violation: r.violation && { kind: r.violation.kind, depth: r.violation.depth, path: r.violation.path.join(',') } }));
