// The ordering of the kernel's primitives (docs/memory-models.md, "Ordering of the kernel's
// primitives"): hand-translated kernel litmus tests in test/fixtures/kernel, whose verdicts and
// depths are derived by hand in each file's header (never copied from a run), checked under
// sc, tso and arm against both implementations (the engine and the naive explorer, which
// must also agree on every count); the new forms' diagnostics; and random models that use
// the new forms, compared under every memory model.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, type ConstOverrides } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { where } from '../../src/parse/source.ts';
import { naiveExplore } from '../reference/naive.ts';
import { randomKernelModel } from '../reference/random-models.ts';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'kernel');
type Memory = 'sc' | 'tso' | 'arm';
/** 'pass', or the depth of the assertion that fails. */
type Expect = 'pass' | number;

interface Outcome {
  verdict: string;
  depth: number | null;
  states: number | null;
}

async function both(model: CheckedModel, memory: Memory, storeBuffer = 2): Promise<{ engine: Outcome; naive: Outcome }> {
  const opts = memory === 'sc' ? {} : { memory, storeBuffer };
  const compiled = compile(model, opts);
  if (!compiled.system) throw new Error(compiled.diagnostics.map((d) => d.message).join('; '));
  const e = await explore(compiled.system, instantiate(compiled.system), { deadlock: true });
  const n = naiveExplore(model, { deadlock: true, ...opts });
  const outcome = (r: { verdict: string; violation: { depth: number } | null; states: number }): Outcome => ({
    verdict: r.verdict,
    depth: r.violation?.depth ?? null,
    states: r.verdict === 'pass' ? r.states : null,
  });
  return { engine: outcome(e), naive: outcome(n) };
}

function load(file: string, consts: ConstOverrides): CheckedModel {
  const r = checkFile(join(DIR, file), consts);
  expect(r.diagnostics).toEqual([]);
  return r.model!;
}

/** [file, const name, value, expected under sc, tso, arm] */
const CASES: [string, string, string, Expect, Expect, Expect][] = [
  ['mp-atomics.mmu', 'BETWEEN', 'Nothing', 'pass', 'pass', 7],
  ['mp-atomics.mmu', 'BETWEEN', 'CasFail', 'pass', 'pass', 8],
  ['mp-atomics.mmu', 'BETWEEN', 'CasOk', 'pass', 'pass', 'pass'],
  ['mp-atomics.mmu', 'BETWEEN', 'XchgRelaxed', 'pass', 'pass', 9],
  ['mp-atomics.mmu', 'BETWEEN', 'Inc', 'pass', 'pass', 9],
  ['mp-atomics.mmu', 'BETWEEN', 'IncMb', 'pass', 'pass', 'pass'],
  ['mp-atomics.mmu', 'BETWEEN', 'IncAcquire', 'pass', 'pass', 9],
  ['mp-atomics.mmu', 'BETWEEN', 'UnlessFail', 'pass', 'pass', 8],
  ['mp-atomics.mmu', 'BETWEEN', 'UnlessOk', 'pass', 'pass', 'pass'],
  ['sb-atomics.mmu', 'OP', 'Xchg', 'pass', 'pass', 'pass'],
  ['sb-atomics.mmu', 'OP', 'Inc', 'pass', 'pass', 8],
  ['sb-atomics.mmu', 'OP', 'IncMb', 'pass', 'pass', 'pass'],
  ['sb-atomics.mmu', 'OP', 'CasFail', 'pass', 'pass', 7],
  ['sb-atomics.mmu', 'OP', 'UnlessOk', 'pass', 'pass', 'pass'],
  ['sb-atomics.mmu', 'OP', 'UnlessFail', 'pass', 'pass', 7],
  ['locks.mmu', 'TEST', 'MpRevLocks', 'pass', 'pass', 'pass'],
  ['locks.mmu', 'TEST', 'MpLocks', 'pass', 'pass', 'pass'],
  ['locks.mmu', 'TEST', 'Isa2Locks', 'pass', 'pass', 'pass'],
  ['locks.mmu', 'TEST', 'LockSilSil', 'pass', 'pass', 8],
  ['locks.mmu', 'TEST', 'LockMbSilSil', 'pass', 'pass', 'pass'],
  ['locks.mmu', 'TEST', 'Counter', 'pass', 'pass', 'pass'],
  ['rcu.mmu', 'TEST', 'SyncRead', 'pass', 'pass', 'pass'],
  ['rcu.mmu', 'TEST', 'SyncFree', 'pass', 'pass', 'pass'],
  ['rcu.mmu', 'TEST', 'ListRr', 'pass', 'pass', 'pass'],
];

describe('kernel ordering: hand-derived verdicts in both implementations', () => {
  for (const [file, name, value, ...expected] of CASES) {
    (['sc', 'tso', 'arm'] as const).forEach((memory, i) => {
      it(`${file} ${name}=${value} --memory ${memory}`, async () => {
        const { engine, naive } = await both(load(file, { [name]: value }), memory);
        const want = expected[i];
        const shape = (o: Outcome) => (o.verdict === 'pass' ? 'pass' : o.depth);
        expect({ engine: shape(engine), naive: shape(naive) }).toEqual({ engine: want, naive: want });
        expect(engine).toEqual(naive);
      }, 900_000);
    });
  }
});

describe('kernel ordering: the lock and RCU library under sc', () => {
  // Under sc the library's new forms are the same steps on the same states as version 1's
  // (an atomic block that waits for the lock and takes it, a plain store, no barriers): a
  // counter under the lock written both ways has the same count.
  const counter = (lock: string, unlock: string) => `model c;
type Cpu = 0..1;
enum Lock { Unlocked, Locked }
shared lk: Lock = Unlocked;
shared n: 0..2 = 0;
inline lock(l) { ${lock} }
inline unlock(l) { ${unlock} }
process p(c: Cpu) {
  var t: 0..2;
  lock(lk);
  t = n;
  n = t + 1;
  unlock(lk);
}
invariant counted: (forall c: Cpu :: done(p[c])) => n == 2;
`;
  it('spin_lock / spin_unlock as try_cmpxchg_acquire / smp_store_release count as version 1', async () => {
    const v1 = checkFile('/virtual/v1.mmu', {}, () => counter('atomic { await l == Unlocked; l = Locked; }', 'l = Unlocked;'));
    const v2 = checkFile('/virtual/v2.mmu', {}, () => counter('await try_cmpxchg_acquire(l, Unlocked, Locked);', 'smp_store_release(l, Unlocked);'));
    const a = await both(v1.model!, 'sc');
    const b = await both(v2.model!, 'sc');
    expect(b.engine).toEqual(a.engine);
    expect(b.naive).toEqual(a.naive);
    expect(a.engine).toEqual({ verdict: 'pass', depth: null, states: a.naive.states });
  });
});

describe('kernel ordering: what atomic_add_unless returns and stores', () => {
  // x starts at 1. The first call adds (x != 0): true, x = 2. The second does not (x == 2):
  // false, x stays 2. The third adds 1 to 2 (x != 0): true, x = 3. Derived by hand from the
  // kernel's definition (Documentation/atomic_t.txt: "atomic_add_unless(v, a, u): if (v != u)
  // v += a; returns whether it added").
  const src = `model u;
shared x: 0..3 = 1;
process p {
  var a: bool;
  var b: bool = true;
  var c: bool;
  a = atomic_add_unless(x, 1, 0);
  b = atomic_add_unless(x, 1, 2);
  c = atomic_add_unless(x, 1, 0);
  assert a && !b && c && x == 3, "atomic_add_unless";
}
`;
  for (const memory of ['sc', 'tso', 'arm'] as const)
    it(`--memory ${memory}: both implementations pass, with the same counts`, async () => {
      const r = checkFile('/virtual/u.mmu', {}, () => src);
      expect(r.diagnostics).toEqual([]);
      const { engine, naive } = await both(r.model!, memory);
      expect(engine.verdict).toBe('pass');
      expect(engine).toEqual(naive);
    });
});

describe('kernel ordering: diagnostics of the new forms', () => {
  const diag = (body: string): string[] =>
    checkFile(
      '/virtual/d.mmu',
      {},
      () => `model d;\nshared x: 0..3 = 0;\nshared b: bool = false;\nprocess p {\n  var r: 0..3;\n  var ok: bool;\n${body}\n}\n`,
    ).diagnostics.map((d) => `${d.span ? where(d.span).replace(/^.*?:/, '') : '?'} ${d.message}`);
  it('accepts every form', () => {
    expect(
      diag(`  atomic_inc(x); atomic_dec(x); atomic_add(x, 1); atomic_sub(x, 1);
  r = xchg_relaxed(x, 1); r = cmpxchg_acquire(x, 1, 2); r = atomic_fetch_add_release(x, 1);
  r = atomic_add_return(x, 1); r = atomic_inc_return_relaxed(x); r = atomic_dec_return(x);
  ok = try_cmpxchg(x, 0, 1); await try_cmpxchg_acquire(x, 0, 1);
  ok = atomic_add_unless(x, 1, 3); atomic_add_unless(x, 1, 0);
  ok = test_and_set_bit_lock(b); clear_bit_unlock(b); ok = test_and_clear_bit_release(b);
  smp_mb__before_atomic(); smp_mb__after_atomic(); smp_mb__after_spinlock();`),
    ).toEqual([]);
  });
  it('a non-returning atomic has no value', () => {
    expect(diag('  r = atomic_inc(x);')).toEqual(['7:7 atomic_inc() returns no value: use it as a statement']);
  });
  it('only try_cmpxchg can be awaited', () => {
    expect(diag('  await xchg(x, 1);')).toEqual(['7:9 only try_cmpxchg() and its variants can be awaited, not xchg()']);
  });
  it('try_cmpxchg returns a bool', () => {
    expect(diag('  r = try_cmpxchg(x, 0, 1);')[0]).toMatch(/^7:7 .*bool/);
  });
  it('atomic_add_unless returns a bool, takes three arguments and has no suffixed forms', () => {
    expect(diag('  r = atomic_add_unless(x, 1, 0);')[0]).toMatch(/^7:7 .*bool/);
    expect(diag('  atomic_add_unless(x, 1);')).toEqual(['7:3 atomic_add_unless takes 3 arguments, not 2']);
    expect(diag('  atomic_add_unless(b, 1, 0);')).toEqual(['7:21 atomic_add_unless needs an integer location, not bool']);
    expect(diag('  atomic_add_unless_relaxed(x, 1, 0);').length).toBe(1);
  });
  it('the atomics are arithmetic', () => {
    expect(diag('  atomic_inc(b);')).toEqual(['7:14 atomic_inc needs an integer location, not bool']);
  });
});

describe('kernel ordering: random models with the new forms', () => {
  it('engine and naive agree on 40 random models under sc, tso and arm', async () => {
    let compared = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const src = randomKernelModel(seed);
      const r = checkFile('/virtual/k.mmu', {}, () => src);
      if (!r.model) throw new Error(`${r.diagnostics.map((d) => d.message).join('\n')}\n${src}`);
      for (const memory of ['sc', 'tso', 'arm'] as const) {
        const storeBuffer = 1 + (seed % 2);
        const deadlock = seed % 3 !== 0;
        const opts = memory === 'sc' ? {} : { memory, storeBuffer };
        const compiled = compile(r.model, opts);
        if (!compiled.system) continue;
        let n: ReturnType<typeof naiveExplore>;
        try {
          n = naiveExplore(r.model, { deadlock, ...opts, maxStates: 20_000 });
        } catch (e) {
          if (String(e).includes('more than')) continue;
          throw e;
        }
        const e = await explore(compiled.system, instantiate(compiled.system), { deadlock });
        const sig = (x: { verdict: string; violation: { kind: string; depth: number } | null; states: number; maxDepth: number }) => ({
          seed,
          memory,
          verdict: x.verdict,
          violation: x.violation && [x.violation.kind, x.violation.depth],
          counts: x.verdict === 'pass' ? [x.states, x.maxDepth] : null,
        });
        expect(sig(e)).toEqual(sig(n));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
  }, 900_000);
});
