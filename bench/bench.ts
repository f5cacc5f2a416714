// `npm run bench [-- --quick]`: distinct states/s, transitions/s and peak memory per distinct
// state on a fixed scalable model at ~2 M and ~26 M states (--quick: ~2 M only; the 26 M runs
// take a few minutes), with 1 worker, 2 (all cores) and the default (--workers unset); the
// share of the one-worker time spent in the seen-set (a CPU profile); with `spin` on the
// PATH, the same model in Promela under SPIN (reductions off, full state storage) and the
// ratio; arm against sc on one protocol model (same constants, same bound). Each
// configuration runs in a fresh process, so memory is the whole process's peak.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const quick = process.argv.includes('--quick');
const cores = availableParallelism();

// P workers draw one of T tokens from a shared pool, do three local steps while holding it,
// return it and do one more step. Four positions hold a token and two do not, so the model
// has sum_{k<=T} C(P,k) 4^k 2^(P-k) states: a count known without running any checker.
const SIZES = [{ label: '~2 M', P: 8, T: 8 }, ...(quick ? [] : [{ label: '~30 M', P: 10, T: 6 }])];

function expectedStates(P: number, T: number): number {
  let total = 0;
  let c = 1; // C(P, k)
  for (let k = 0; k <= Math.min(P, T); k++) {
    total += c * 4 ** k * 2 ** (P - k);
    c = (c * (P - k)) / (k + 1);
  }
  return total;
}

const MMU = `model pool_bench;
const P = 8;
const T = 8;
shared pool: 0..T = T;
process worker(i: 0..P-1) {
  var held: 0..1;
  var work: 0..3;
  loop {
    atomic { await pool > 0; pool = pool - 1; held = 1; }
    work = 1;
    work = 2;
    work = 3;
    atomic { pool = pool + 1; held = 0; }
    work = 0;
  }
}
invariant conserved: pool + (sum w: 0..P-1 :: worker[w].held) == T;
`;

function promela(P: number, T: number): string {
  const held = Array.from({ length: P }, (_, i) => `worker[${i}]:held`).join(' + ');
  return `byte pool = ${T};
active [${P}] proctype worker() {
  bit held = 0;
  byte work = 0;
  do
  :: d_step { pool > 0 -> pool--; held = 1 };
     work = 1;
     work = 2;
     work = 3;
     d_step { pool++; held = 0 };
     work = 0
  od
}
active proctype monitor() { atomic { pool + ${held} != ${T} -> assert(false) } }
`;
}

interface Run {
  states: number;
  transitions: number;
  seconds: number;
  peak: number;
}

function mmucheck(
  file: string,
  P: number,
  T: number,
  workers: number | 'default',
  node: string[] = [],
): Run & { liveness?: { durationMs: number; graphBytes: number } } {
  const w = workers === 'default' ? [] : ['--workers', String(workers)];
  const r = spawnSync(process.execPath, [...node, BIN, 'check', file, '--const', `P=${P}`, '--const', `T=${T}`, ...w, '--json', '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`mmucheck exited ${r.status}: ${r.stderr}`);
  const o = JSON.parse(r.stdout);
  return { states: o.states, transitions: o.transitions, seconds: o.durationMs / 1000, peak: o.peakMemoryBytes, liveness: o.liveness ?? undefined };
}

/** SPIN on the same model, full state storage: depth-first (its default) or breadth-first (-DBFS). */
function spin(dir: string, P: number, T: number, search: 'dfs' | 'bfs'): (Run & { note: string }) | null {
  const has = spawnSync('sh', ['-c', 'command -v spin && command -v cc'], { encoding: 'utf8' });
  if (has.status !== 0) return null;
  const pml = join(dir, `pool-${P}-${T}.pml`);
  writeFileSync(pml, promela(P, T));
  const flags = `-DNOREDUCE -DSAFETY -DMEMLIM=20000${search === 'bfs' ? ' -DBFS' : ''}`;
  const pan = `pan-${search}`;
  execFileSync('spin', ['-o1', '-o2', '-o3', '-a', pml], { cwd: dir, stdio: 'ignore' });
  execFileSync('cc', ['-O2', ...flags.split(' '), '-o', pan, 'pan.c'], { cwd: dir, stdio: 'ignore' });
  const w = Math.ceil(Math.log2(expectedStates(P, T))) + 1;
  const out = spawnSync('/usr/bin/time', ['-f', 'maxrss %M', `./${pan}`, '-m100000000', `-w${w}`], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 24 });
  const text = out.stdout + out.stderr;
  const num = (re: RegExp) => Number((re.exec(text) ?? [])[1]);
  return {
    states: num(/([0-9.e+]+) states, stored/),
    transitions: num(/([0-9.e+]+) transitions \(= stored\+matched\)/),
    seconds: num(/elapsed time ([0-9.e+]+) seconds/),
    peak: num(/maxrss ([0-9]+)/) * 1024,
    note: `spin -o1 -o2 -o3, cc -O2 ${flags}, pan -w${w}`,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'mmucheck-bench-'));
const model = join(dir, 'pool.mmu');
writeFileSync(model, MMU);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const row = (name: string, r: Run) =>
  `  ${name.padEnd(22)} ${fmt(r.states).padStart(12)} states ${r.seconds.toFixed(2).padStart(7)} s ${fmt(r.states / r.seconds).padStart(11)} states/s ${fmt(r.transitions / r.seconds).padStart(12)} transitions/s ${(r.peak / r.states).toFixed(1).padStart(7)} B/state`;

console.log(`pool model: P workers, T tokens; ${cores} cores`);
for (const { label, P, T } of SIZES) {
  const expected = expectedStates(P, T);
  console.log(`\n${label}: P=${P} T=${T}, ${fmt(expected)} states by the closed form`);
  const one = mmucheck(model, P, T, 1);
  console.log(row('mmucheck 1 worker', one));
  const many = mmucheck(model, P, T, cores);
  console.log(row(`mmucheck ${cores} workers`, many));
  const byDefault = mmucheck(model, P, T, 'default');
  console.log(row('mmucheck default', byDefault));
  for (const r of [one, many, byDefault])
    if (r.states !== expected) console.log(`  MISMATCH: mmucheck found ${r.states} states, the closed form says ${expected}`);
  console.log(
    `  speed-up 1 -> ${cores} workers: ${(one.seconds / many.seconds).toFixed(2)}x; default (--workers unset) / 1 worker: ${(one.seconds / byDefault.seconds).toFixed(2)}x`,
  );
  const spins = (['dfs', 'bfs'] as const).map((search) => ({ search, run: spin(dir, P, T, search) }));
  if (!spins[0].run) {
    console.log('  spin: not on the PATH (apt-get install spin to compare)');
    continue;
  }
  for (const { search, run } of spins) {
    const s = run!;
    console.log(row(`spin ${search} (1 core)`, s));
    console.log(`  ${s.note}`);
    if (s.states !== expected) console.log(`  STATE COUNTS DIFFER: spin stored ${s.states}, mmucheck ${many.states}: the ratio below compares different work`);
  }
  // Against SPIN's fastest full-storage mode on one core, whichever it is on this model.
  const best = spins.map((x) => x.run!).reduce((a, b) => (a.states / a.seconds >= b.states / b.seconds ? a : b));
  const bestName = spins.find((x) => x.run === best)!.search;
  console.log(
    `  mmucheck / spin's fastest (${bestName}), states/s: ${cores} workers ${(many.states / many.seconds / (best.states / best.seconds)).toFixed(2)}x, 1 worker ${(one.states / one.seconds / (best.states / best.seconds)).toFixed(2)}x`,
  );
}

// The seen-set's share of the one-worker search: a CPU profile of the ~2 M run, self time in
// the functions of src/explore/store.ts and fingerprint.ts (fingerprinting, the batch's reads,
// probing, growing) against the whole profile's busy time. Work the compiler inlined into the
// search loop counts as the loop's, so this is a lower bound.
{
  const { P, T } = SIZES[0];
  const profDir = join(dir, 'profile');
  mmucheck(model, P, T, 1, ['--cpu-prof', `--cpu-prof-dir=${profDir}`]);
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const where = new Map(prof.nodes.map((n) => [n.id, n.callFrame]));
  let busy = 0;
  let seen = 0;
  prof.samples.forEach((id, i) => {
    const f = where.get(id)!;
    const dt = prof.timeDeltas[i] ?? 0;
    if (f.functionName === '(idle)') return;
    busy += dt;
    if (/explore\/(store|fingerprint)\.[jt]s$/.test(f.url)) seen += dt;
  });
  console.log(`\nseen-set: ${((seen / busy) * 100).toFixed(0)}% of the one-worker CPU profile at ~2 M states (store.ts and fingerprint.ts, self time)`);
}

// Arm: a protocol model under --memory arm and under sc, same model and constants, 1 worker
// (issue 17's target is arm at half of sc's states/s or better). bbm-stage2-leaf with five
// CPUs has millions of states under both; both runs stop at the same bound, so they compare
// the rate of the search, not the size of two different spaces.
{
  const bound = quick ? 500_000 : 2_000_000;
  const file = join(ROOT, 'models', 'bbm-stage2-leaf.mmu');
  const run = (memory: string): Run => {
    const r = spawnSync(
      process.execPath,
      [BIN, 'check', file, '--const', 'CPUS=5', '--memory', memory, '--workers', '1', '--max-states', String(bound), '--json', '--quiet'],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    const o = JSON.parse(r.stdout);
    return { states: o.states, transitions: o.transitions, seconds: o.durationMs / 1000, peak: o.peakMemoryBytes };
  };
  console.log(`
arm: bbm-stage2-leaf.mmu --const CPUS=5, stopped at ${fmt(bound)} states, 1 worker`);
  const arm = run('arm');
  console.log(row('--memory arm', arm));
  const sc = run('sc');
  console.log(row('--memory sc', sc));
  console.log(`  arm states/s: ${((arm.states / arm.seconds / (sc.states / sc.seconds)) * 100).toFixed(0)}% of sc's on the same model`);
}

// Liveness: the same pool model with a leads-to property that holds (a worker that has done
// its work always goes on: its next steps are never blocked), so the whole graph is analysed.
{
  const P = 8;
  const T = 6;
  const live = join(dir, 'pool-live.mmu');
  writeFileSync(live, `${MMU}property goes_on: worker[0].work == 3 ~> worker[0].work == 0;\n`);
  console.log(`\nliveness: P=${P} T=${T}, ${fmt(expectedStates(P, T))} states; a ~> property that holds, so every state is analysed`);
  const safety = mmucheck(model, P, T, 1);
  console.log(row('safety only, 1 worker', safety));
  const both = mmucheck(live, P, T, 1);
  console.log(row('with the property', both));
  const l = both.liveness!;
  console.log(`  search recording the graph: ${(both.seconds / safety.seconds).toFixed(2)}x the plain safety search`);
  console.log(
    `  liveness phase: ${(l.durationMs / 1000).toFixed(2)} s = ${(l.durationMs / 1000 / safety.seconds).toFixed(2)}x the safety search; graph ${(l.graphBytes / both.states).toFixed(1)} B/state, peak ${((both.peak - safety.peak) / both.states).toFixed(1)} B/state more`,
  );
}

// Symmetry: four interchangeable workers (a symmetric type), with and without the reduction,
// once with the type used only as an index (the shape of the bundled protocol models: one
// sort finds the canonical form) and once with its values stored in variables (tied values
// are tried in every order). Each run is a fresh process, so its time includes the JIT's
// warm-up (a few hundred ms); the full bench uses a larger index-only configuration, whose
// reduced run lasts long enough for states/s to measure the search rather than the warm-up.
{
  const INDEX_ONLY = `model sym_index_bench;
const P = 4;
const T = 2;
const N = 4;
symmetric type W = 0..P-1;
shared pool: 0..T = T;
shared flag: [W]bool = false;
process worker(i: W) {
  var held: bool;
  var work: 0..7;
  var n: 0..N-1;
  loop {
    atomic { await pool > 0; pool = pool - 1; held = true; }
    work = 1;
    flag[i] = true;
    work = 2;
    either { work = 3; } or { work = 4; }
    flag[i] = false;
    atomic { pool = pool + 1; held = false; }
    work = 5;
    n = (n + 1) % N;
    work = 0;
  }
}
invariant conserved: pool + (count w: W :: worker[w].held) == T;
`;
  const STORED = `model sym_bench;
const P = 4;
const T = 2;
symmetric type W = 0..P-1;
shared pool: 0..T = T;
shared last: W;
process worker(i: W) {
  var held: bool;
  var work: 0..7;
  var seen: W;
  loop {
    atomic { await pool > 0; pool = pool - 1; held = true; }
    work = 1;
    work = 2;
    seen = last;
    last = i;
    work = 3;
    atomic { pool = pool + 1; held = false; }
    if (seen == i) { work = 4; } else { work = 5; }
    work = 0;
  }
}
invariant conserved: pool + (count w: W :: worker[w].held) == T;
`;
  const indexOnly: [string, string, string[]] = quick
    ? ['4 interchangeable workers, the type only indexes (T=2 N=4)', INDEX_ONLY, []]
    : ['4 interchangeable workers, the type only indexes (T=3 N=5)', INDEX_ONLY, ['--const', 'T=3', '--const', 'N=5']];
  for (const [title, src, consts] of [indexOnly, ['4 interchangeable workers, values of the type stored', STORED, []] as [string, string, string[]]]) {
    const file = join(dir, 'sym.mmu');
    writeFileSync(file, src);
    const run = (extra: string[]) => {
      const r = spawnSync(process.execPath, [BIN, 'check', file, '--workers', '1', '--json', '--quiet', ...consts, ...extra], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const o = JSON.parse(r.stdout);
      return { states: o.states, transitions: o.transitions, seconds: o.durationMs / 1000, peak: o.peakMemoryBytes } as Run;
    };
    console.log(`\nsymmetry: ${title}, 1 worker thread`);
    const full = run(['--no-symmetry']);
    console.log(row('--no-symmetry', full));
    const orbits = run([]);
    console.log(row('one state per orbit', orbits));
    console.log(
      `  ${(full.states / orbits.states).toFixed(1)}x fewer states, ${(full.seconds / orbits.seconds).toFixed(1)}x faster; states/s with symmetry ${((orbits.states / orbits.seconds / (full.states / full.seconds)) * 100).toFixed(0)}% of without`,
    );
    // Canonicalisation runs once per transition: its cost, estimated as the extra time per transition.
    const perTransition = (r: Run) => r.seconds / r.transitions;
    console.log(
      `  time per transition: ${(perTransition(orbits) * 1e9).toFixed(0)} ns with symmetry, ${(perTransition(full) * 1e9).toFixed(0)} ns without (the difference is canonicalisation)`,
    );
  }
}
