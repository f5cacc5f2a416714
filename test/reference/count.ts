// Derive a model's numbers with the naive reference explorer, independently of the engine:
//   npx tsx test/reference/count.ts MODEL.mmu [NAME=VALUE ...] [--const NAME=VALUE ...] [--no-deadlock]
//                                   [--invariant NAME ...] [--memory sc|tso|arm] [--store-buffer K]
//                                   [--liveness [--property NAME ...]] [--orbits]
// (or node --import tsx test/reference/count.ts ...). --store-buffer needs --memory tso or arm.
// --liveness also decides the model's temporal properties (naive-liveness.ts); --orbits counts
// the orbits of the reachable states under the symmetric types (naive-symmetry.ts), the number
// `check` reports with symmetry.
// This is how spec pins are derived (never from the engine's own output).
import { checkFile } from '../../src/check/check.ts';
import { naiveExplore } from './naive.ts';
import { naiveLiveness } from './naive-liveness.ts';
import { naiveOrbits } from './naive-symmetry.ts';

const USAGE =
  'usage: npx tsx test/reference/count.ts MODEL.mmu [NAME=VALUE ...] [--const NAME=VALUE ...] [--no-deadlock] [--invariant NAME ...] [--memory sc|tso|arm] [--store-buffer K] [--liveness [--property NAME ...]] [--orbits]';
const WITH_VALUE = new Set(['--invariant', '--memory', '--store-buffer', '--const', '--property']);
const FLAGS = new Set(['--no-deadlock', '--liveness', '--orbits']);
const fail = (msg: string): never => {
  console.error(msg);
  process.exit(2);
};

const args = process.argv.slice(2);
const isValue = (i: number): boolean => i > 0 && WITH_VALUE.has(args[i - 1]);
const file = args.find((a, i) => !a.includes('=') && !a.startsWith('--') && !isValue(i));
if (!file) fail(USAGE);
for (const [i, a] of args.entries())
  if (a.startsWith('--') && !WITH_VALUE.has(a) && !FLAGS.has(a)) fail(`unknown option ${a}\n${USAGE}`);
  else if (WITH_VALUE.has(a) && (i + 1 >= args.length || args[i + 1].startsWith('--'))) fail(`${a} needs a value\n${USAGE}`);
const valuesOf = (flag: string): string[] => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));
const lastValue = (flag: string): string | undefined => valuesOf(flag).at(-1);

for (const c of valuesOf('--const')) if (!/^[^=]+=./.test(c)) fail(`--const needs NAME=VALUE, not ${c}`);
const consts = Object.fromEntries([...args.filter((a, i) => a.includes('=') && !isValue(i)), ...valuesOf('--const')].map((a) => a.split('=', 2)));
const invariantNames = valuesOf('--invariant');
const memory = lastValue('--memory') ?? 'sc';
if (memory !== 'sc' && memory !== 'tso' && memory !== 'arm') fail(`--memory must be sc, tso or arm, not ${memory}`);
const sb = lastValue('--store-buffer');
const storeBuffer = sb === undefined ? undefined : Number(sb);
if (storeBuffer !== undefined && !(Number.isInteger(storeBuffer) && storeBuffer >= 1)) fail(`--store-buffer must be an integer >= 1, not ${sb}`);
if (storeBuffer !== undefined && memory === 'sc') fail('--store-buffer needs --memory tso or arm');

const r = checkFile(file!, consts);
if (!r.model) {
  for (const d of r.diagnostics) console.error(d.message);
  process.exit(2);
}
const model = invariantNames.length ? { ...r.model, invariants: r.model.invariants.filter((i) => invariantNames.includes(i.name)) } : r.model;
const t0 = Date.now();
const opts = { deadlock: !args.includes('--no-deadlock'), maxStates: 5_000_000, memory: memory as 'sc' | 'tso' | 'arm', storeBuffer };
const properties = valuesOf('--property');
if (properties.length && !args.includes('--liveness')) fail('--property needs --liveness');
if (args.includes('--liveness') && args.includes('--orbits'))
  fail('--liveness and --orbits are separate runs (check explores without symmetry when it checks properties)');
const res = args.includes('--liveness')
  ? (({ safety, ...l }) => ({ ...l, maxDepth: safety.maxDepth, safetyViolation: safety.violation }))(
      naiveLiveness(model, { ...opts, ...(properties.length ? { properties } : {}) }),
    )
  : args.includes('--orbits')
    ? (({ safety: _, ...o }) => o)(naiveOrbits(model, opts))
    : naiveExplore(model, opts);
console.log(JSON.stringify({ ...res, seconds: (Date.now() - t0) / 1000 }));
