// Derive a model's numbers with the naive reference explorer, independently of the engine:
//   npx tsx test/reference/count.ts MODEL.mmu [NAME=VALUE ...] [--no-deadlock] [--invariant NAME ...]
// This is how spec pins are derived (never from the engine's own output).
import { checkFile } from '../../src/check/check.ts';
import { naiveExplore } from './naive.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.includes('=') && !a.startsWith('--'));
if (!file) {
  console.error('usage: npx tsx test/reference/count.ts MODEL.mmu [NAME=VALUE ...] [--no-deadlock] [--invariant NAME ...]');
  process.exit(2);
}
const consts = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2)));
const invariantNames = args.flatMap((a, i) => (args[i - 1] === '--invariant' ? [a] : []));
const r = checkFile(file, consts);
if (!r.model) {
  for (const d of r.diagnostics) console.error(d.message);
  process.exit(2);
}
const model = invariantNames.length ? { ...r.model, invariants: r.model.invariants.filter((i) => invariantNames.includes(i.name)) } : r.model;
const t0 = Date.now();
const res = naiveExplore(model, { deadlock: !args.includes('--no-deadlock'), maxStates: 5_000_000 });
console.log(JSON.stringify({ ...res, seconds: (Date.now() - t0) / 1000 }));
