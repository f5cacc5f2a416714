// The brute-force orbit count (naive-symmetry.ts) on tiny models whose counts are derived by
// hand in the comments, and the property the rules of symmetric types must guarantee: every
// step, invariant and deadlock check commutes with every renaming (on hand-written models and
// on random ones under sc, tso and arm).
//
// Notation: per instance a letter for where it stands (A: before its step, D: done; under tso
// and arm P: done with its store still pending, C: done and committed), then the variables.
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { naiveExplore, naiveExploreStates, type NaiveOptions } from './naive.ts';
import { allRenamings, naiveEquivariance, naiveOrbits, Renamer } from './naive-symmetry.ts';
import { model } from './helpers.ts';
import { randomSymmetricModel } from './random-models.ts';

const orbits = (body: string, opts: NaiveOptions = {}) => {
  const { safety: _, ...rest } = naiveOrbits(model(`model t;\n${body}`), opts);
  return rest;
};
const pass = (states: number, orbits: number, maxDepth: number) => ({ states, orbits, maxDepth, verdict: 'pass', violation: null });

const BITS2 = 'symmetric type Cpu = 0..1;\nshared b: [Cpu]bool;\nprocess p(c: Cpu) { b[c] = true; }';
const STORE_AC = 'symmetric type Cpu = 0..1;\nshared a: [Cpu]bool;\nprocess p(c: Cpu) { a[c] = true; }';

describe('orbit counts derived by hand', () => {
  it('two identical CPUs each setting their bit: 4 states, 3 orbits', () => {
    // AA(ff) AD(tf) DA(ft) DD(tt); swapping the CPUs maps AD to DA: {AA} {AD, DA} {DD}.
    expect(orbits(BITS2)).toEqual(pass(4, 3, 2));
  });

  it('three CPUs: 8 states, 4 orbits', () => {
    // Any subset of the CPUs is done (2^3 = 8 states); a renaming maps a subset to every
    // subset of its size, so one orbit per size 0..3.
    expect(orbits('symmetric type Cpu = 0..2;\nshared b: [Cpu]bool;\nprocess p(c: Cpu) { b[c] = true; }')).toEqual(pass(8, 4, 3));
  });

  it('an array indexed by the type holding values of the type (a pointer to a CPU): 9 states, 8 orbits', () => {
    // Per CPU: U (not yet: set false, ptr at the first value 0), S (done, points at itself),
    // O (done, points at the other one): 3 x 3 = 9 states. The swap maps CPU 0's U (ptr 0,
    // itself) to a CPU 1 pointing at itself while unset, and CPU 1's U (ptr 0, the other one)
    // to a CPU 0 pointing at CPU 1 while unset: neither is reachable, so the 5 states with a U
    // are alone in their orbits. S and O are kept: {SS} {SO, OS} {OO}. 5 + 3 = 8 orbits.
    const src = `symmetric type Cpu = 0..1;
shared ptr: [Cpu]Cpu;
shared set: [Cpu]bool;
process p(c: Cpu) { atomic { ptr[c] = any(Cpu); set[c] = true; } }`;
    expect(orbits(src)).toEqual(pass(9, 8, 2));
  });

  it('two symmetric types are renamed independently: 16 states, 9 orbits (not 10)', () => {
    // The CPUs give 4 states in 3 orbits (as above), the nodes the same, independently:
    // 4 x 4 = 16 states, 3 x 3 = 9 orbits. One permutation applied to both at once would
    // leave (16 + 4 fixed states) / 2 = 10.
    const src = `symmetric type Cpu = 0..1;
symmetric type Node = 0..1;
shared b: [Cpu]bool;
shared n: [Node]bool;
process p(c: Cpu) { b[c] = true; }
process q(k: Node) { n[k] = true; }`;
    expect(orbits(src)).toEqual(pass(16, 9, 4));
  });

  it('tso: a store buffer entry for a[c] moves with its CPU: 9 states, 6 orbits', () => {
    // Per CPU: A, P (entry a[c] = true, memory false), D (drained, memory true); the CPUs are
    // independent: 3 x 3 = 9 states. Every local state of CPU 0 has its mirror at CPU 1 (the
    // entry's path [a, 0] becomes [a, 1]), so the orbits are the multisets of two of the
    // three local states: 6. Deepest: both stored and drained, 4 steps.
    expect(orbits(STORE_AC, { memory: 'tso' })).toEqual(pass(9, 6, 4));
  });

  it('tso: entries holding values of the type are renamed: 10 states, 7 orbits', () => {
    // owner starts at 0. AA AP PA PP (nothing drained: owner 0); DA DP (owner 0, CPU 0 drained
    // last) and AD PD (owner 1); DD with owner 0 or 1 (whichever drained last): 10 states.
    // The swap maps owner 0 to 1, so AA AP PA PP have no reachable mirror (4 orbits); it maps
    // DA (owner 0) to AD (owner 1) and DP (CPU 1's entry owner = 1, owner 0) to PD (CPU 0's
    // entry owner = 0, owner 1), and DD0 to DD1: 3 more orbits.
    expect(orbits('symmetric type Cpu = 0..1;\nshared owner: Cpu;\nprocess p(c: Cpu) { owner = c; }', { memory: 'tso' })).toEqual(pass(10, 7, 4));
  });

  it('arm: memory and views of a[c] move with its slot: 10 states, 6 orbits', () => {
    // Per CPU: A, P (pending), C (committed: a new message for its own slot, coh and vwOld
    // raised). AA, AP, PA, PP, AC, CA, PC, CP: 8 states; CC twice, by which commit came first
    // (timestamps 1 and 2 on the two slots). The swap moves slots, coh and instances together:
    // {AA} {AP, PA} {PP} {AC, CA} {PC, CP} {CC, CC'}: 6 orbits.
    expect(orbits(STORE_AC, { memory: 'arm' })).toEqual(pass(10, 6, 4));
  });

  it('arm: older messages holding values of the type are renamed: 10 states, 9 orbits', () => {
    // owner starts at 0 (timestamp 0). AA AP PA PP: memory untouched, owner 0 (4 states, no
    // reachable mirror: owner would be 1). CPU 0 committed alone (CA, CP): current (0, ts 1),
    // older (0, ts 0); CPU 1 alone (AC, PC): current (1, ts 1), older (0, ts 0); the mirror of
    // each would have an older message (1, ts 0): not reachable, 4 more orbits. CC: 0 then 1
    // leaves current (1, ts 2), older (0, ts 1), coh 1 for CPU 0 and 2 for CPU 1; 1 then 0
    // leaves current (0, ts 2), older (1, ts 1), coh 2 and 1: the swap maps one to the other.
    expect(orbits('symmetric type Cpu = 0..1;\nshared owner: Cpu;\nprocess p(c: Cpu) { owner = c; }', { memory: 'arm' })).toEqual(pass(10, 9, 4));
  });

  it('a non-symmetric initial state: orbits are still counted over the reachable states (13 states, 4 orbits)', () => {
    // owner starts at 0, then takes the name of the last CPU to store. With D the set of CPUs
    // done: D empty, owner 0 (1 state); otherwise owner is in D: 3x1 + 3x2 + 1x3 = 12. A
    // renaming maps (D, owner in D) to every (D', owner') of the same size: one orbit per size
    // 1..3, and D empty is its own orbit (its mirrors, owner 1 or 2, are unreachable): 4.
    expect(orbits('symmetric type Cpu = 0..2;\nshared owner: Cpu;\nprocess p(c: Cpu) { owner = c; }')).toEqual(pass(13, 4, 3));
  });

  it('a process not parameterised by the type that stores its values: 7 states, 6 orbits', () => {
    // boss: (start; pick 0) -> pick 0 or 1 -> held[pick] = true -> owner = pick.
    // 1 + 2 + 2 + 2 = 7 states. Before the last step owner is still 0, so the mirror of each
    // state (pick and owner swapped) is unreachable; after it, (pick 0, held tf, owner 0) and
    // (pick 1, held ft, owner 1) are mirrors: 1 + 2 + 2 + 1 = 6 orbits.
    const src = `symmetric type Cpu = 0..1;
shared owner: Cpu;
shared held: [Cpu]bool;
process boss { var pick: Cpu; pick = any(Cpu); held[pick] = true; owner = pick; }`;
    expect(orbits(src)).toEqual(pass(7, 6, 3));
  });

  it('a loop whose states form one orbit per number of holders', () => {
    // Each of 3 CPUs toggles its bit for ever: all 8 subsets reachable, one orbit per size.
    expect(orbits('symmetric type Cpu = 0..2;\nshared b: [Cpu]bool;\nprocess p(c: Cpu) { loop { b[c] = !b[c]; } }')).toEqual(pass(8, 4, 3));
  });

  it('the example of docs/language.md, "Symmetry": 37 states, 10 orbits', () => {
    // Lock free: each CPU before (A) or done (D); owner 0 while nobody is done, else one of the
    // CPUs done: 1 + 3x1 + 3x2 + 1x3 = 13 states, in 4 orbits (one per number done). Lock held
    // by h, at crit or at the release, owner = h, each other CPU A or D: 3 x 2 x 4 = 24 states,
    // in 2 x 3 orbits (where h stands, how many others are done). 37 states, 10 orbits.
    const src = `const CPUS = 3;
symmetric type Cpu = 0..CPUS-1;
shared lock: bool;
shared owner: Cpu;
ghost  holding: [Cpu]bool;
process cpu(c: Cpu) {
  atomic { await !lock; lock = true; owner = c; holding[c] = true; }
  crit: assert owner == c;
  atomic { holding[c] = false; lock = false; }
}
invariant one_holder: (count d: Cpu :: holding[d]) <= 1;
invariant owner_holds: forall d: Cpu :: cpu[d]@crit => owner == d;`;
    expect(orbits(src)).toEqual(pass(37, 10, 9));
  });

  it('keeps the verdict and the depths of the full search', () => {
    // Three CPUs; the invariant breaks when two bits are set (depth 2). The search stops after
    // level 2: 1 + 3 + 3 = 7 states, in orbits by size: 3.
    const src = 'symmetric type Cpu = 0..2;\nshared b: [Cpu]bool;\nprocess p(c: Cpu) { b[c] = true; }\ninvariant one: (count d: Cpu :: b[d]) <= 1;';
    const m = model(`model t;\n${src}`);
    const r = naiveOrbits(m);
    expect(r).toMatchObject({ states: 7, orbits: 3, maxDepth: 2, verdict: 'violation', violation: { kind: 'invariant', property: 'one', depth: 2 } });
    expect(r.safety).toEqual(naiveExplore(m));
    // A deadlock at depth 1 (one CPU took the lock, the other waits for ever on it).
    const dl = model(
      'model t;\nsymmetric type Cpu = 0..1;\nshared holder: Cpu;\nshared held: bool;\nprocess p(c: Cpu) { atomic { await !held; held = true; holder = c; } }',
    );
    expect(naiveOrbits(dl)).toMatchObject({ verdict: 'violation', violation: { kind: 'deadlock', depth: 1 }, maxDepth: 1, states: 3, orbits: 2 });
  });
});

describe('renamings', () => {
  it('are every permutation of every symmetric type, combined', () => {
    const m = model('model t;\nsymmetric type A = 0..2;\nsymmetric type B = 5..6;\nprocess p { skip; }');
    const rs = allRenamings(m);
    expect(rs.length).toBe(12);
    expect(new Set(rs.map((r) => JSON.stringify([...r]))).size).toBe(12);
    expect(allRenamings(model('model t;\nprocess p { skip; }'))).toEqual([new Map()]);
  });

  it('leave a state unchanged when they are the identity, and undo each other', () => {
    const src = `symmetric type Cpu = 1..3;
struct S { who: Cpu, seen: [Cpu]bool }
shared s: [Cpu]S;
shared owner: Cpu;
process p(c: Cpu) { var t: [Cpu]Cpu; var m: Cpu; owner = c; s[c].who = owner; s[owner].seen[c] = true; t[c] = s[c].who; m = t[owner]; }`;
    for (const memory of ['sc', 'tso', 'arm'] as const) {
      const m = model(`model t;\n${memory === 'arm' ? src.replace('1..3', '1..2') : src}`); // arm: 3 CPUs are too many
      const { states } = naiveExploreStates(m, { memory });
      const renamer = new Renamer(m, memory);
      const rs = allRenamings(m);
      const inverse = (r: (typeof rs)[number]) => rs.find((q) => [...q].every(([t, p]) => p.every((x, j) => r.get(t)![x] === j)))!;
      const identity = rs.find((r) => [...r.values()].every((p) => p.every((x, j) => x === j)))!;
      for (const s of states.slice(0, 200)) {
        expect(renamer.rename(s, identity)).toBe(s);
        for (const r of rs) expect(renamer.rename(renamer.rename(s, r), inverse(r))).toBe(s);
      }
    }
  });
});

/** A checked model in which every int type 0..1 is marked as the symmetric type Cpu. */
function markSymmetric(m: CheckedModel): CheckedModel {
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object' || seen.has(x)) return;
    seen.add(x);
    const o = x as Record<string, unknown>;
    if (o.kind === 'int' && o.lo === 0 && o.hi === 1) o.symmetric = 'Cpu';
    for (const [k, v] of Object.entries(o)) if (k !== 'span' && k !== 'file' && k !== 'mainFile' && k !== 'files') walk(v);
  };
  walk(m);
  return { ...m, symmetricTypes: [{ name: 'Cpu', lo: 0, hi: 1, span: m.processes[0].span }] };
}

describe('every step commutes with every renaming', () => {
  const HAND = [
    BITS2,
    'symmetric type Cpu = 0..2;\nshared owner: Cpu;\nshared ptr: [Cpu]Cpu;\nprocess p(c: Cpu) { ptr[c] = owner; owner = c; atomic { for d: Cpu { if (ptr[d] == c) { ptr[d] = owner; } } } }',
    'symmetric type Cpu = 0..1;\nsymmetric type Node = 0..1;\nshared home: [Node]Cpu;\nprocess p(c: Cpu) { var k: Node; k = any(Node); home[k] = c; await home[k] == c || done(p[home[k]]); }\nprocess q(n: Node) { home[n] = home[n]; }',
  ];
  for (const memory of ['sc', 'tso', 'arm'] as const)
    it(`on hand-written models under ${memory}`, () => {
      // Under arm three CPUs make 124k states here: two are enough.
      for (const src of HAND) expect(naiveEquivariance(model(`model t;\n${memory === 'arm' ? src.replace('0..2', '0..1') : src}`), { memory })).toBeNull();
    });

  it('and the check notices a model that is not symmetric', () => {
    // `a[0] = true` names a CPU: the checker refuses it with `symmetric`...
    const src = 'model t;\ntype Cpu = 0..1;\nshared a: [Cpu]bool;\nshared b: [Cpu]bool;\nprocess p(c: Cpu) { a[c] = true; if (a[0]) { b[c] = true; } }';
    expect(checkFile('/virtual/m.mmu', {}, () => src.replace('type Cpu', 'symmetric type Cpu')).diagnostics.map((d) => d.message)).toEqual([
      "a value of symmetric type Cpu cannot be written as a literal ('0')",
    ]);
    // ...and marked symmetric behind the checker's back, it does not commute.
    expect(naiveEquivariance(markSymmetric(model(src)))).toMatch(/^successors differ/);
  });

  it('on random symmetric models (sc)', () => {
    for (let seed = 0; seed < 120; seed++) expect([seed, naiveEquivariance(model(randomSymmetricModel(seed)))]).toEqual([seed, null]);
  });

  for (const [memory, seeds, maxStates] of [
    ['tso', 50, 5000],
    ['arm', 25, 3000],
  ] as const)
    it(`on random symmetric models (${memory}, those under ${maxStates} states)`, () => {
      let tried = 0;
      for (let seed = 0; seed < seeds; seed++) {
        const m = model(randomSymmetricModel(seed));
        let eq: string | null;
        try {
          eq = naiveEquivariance(m, { memory, maxStates });
        } catch (e) {
          if (/more than/.test(String(e))) continue;
          throw e;
        }
        tried++;
        expect([seed, eq]).toEqual([seed, null]);
      }
      expect(tried).toBeGreaterThan(seeds / 2);
    });
});

describe('random symmetric models', () => {
  it('are deterministic, check without diagnostics, and have fewer orbits than states when they have several CPUs at work', () => {
    expect(randomSymmetricModel(7)).toBe(randomSymmetricModel(7));
    expect(randomSymmetricModel(7)).not.toBe(randomSymmetricModel(8));
    let fewer = 0;
    for (let seed = 0; seed < 300; seed++) {
      const src = randomSymmetricModel(seed);
      expect(src).toContain('symmetric type Cpu = 0..N-1;');
      const m = model(src);
      expect(m.symmetricTypes.map((t) => t.name)).toEqual(['Cpu']);
      const r = naiveOrbits(m);
      expect(r.orbits).toBeLessThanOrEqual(r.states);
      if (r.orbits < r.states) fewer++;
    }
    expect(fewer).toBeGreaterThan(50); // many start from owner = 0, which no renaming fixes
  });

  it('use every kind of symmetric construct across seeds', () => {
    const all = Array.from({ length: 200 }, (_, s) => randomSymmetricModel(s)).join('\n');
    for (const form of [
      'process cpu(c: Cpu)',
      'for d: Cpu {',
      'any(Cpu)',
      'ptr[',
      'count d: Cpu',
      'process boss',
      'const N = 3;',
      'var seen: [Cpu]bool;',
      'cmpxchg(',
      'done(cpu[',
    ])
      expect(all).toContain(form);
  });
});
