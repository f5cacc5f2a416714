// The runtimes that generated kernels call, tested on their own: the choice enumerator, the
// store buffers of tso and the views, pending stores and normal form of arm. Each expected
// value is worked out from docs/memory-models.md by hand in the comment next to it.
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import { Choices, kernelRuntime, ModelError } from '../../src/compile/runtime.ts';
import { compile, type TransitionSystem } from '../../src/compile/system.ts';
import { ArmRuntime, type ArmRuntimeData } from '../../src/memory/arm-runtime.ts';
import { TsoRuntime, type TsoRuntimeData } from '../../src/memory/tso.ts';

function system(src: string, memory: 'tso' | 'arm', storeBuffer = 2): TransitionSystem {
  const r = checkFile('/virtual/m.mmu', {}, () => src);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return compile(r.model, { memory, storeBuffer }).system!;
}

const slot = (sys: TransitionSystem, name: string): number => {
  const i = sys.layout.slotNames.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`no slot ${name}`);
  return i;
};

describe('Choices', () => {
  it('runs a step once per sequence of choices, depth-first, in order', () => {
    const c = new Choices();
    const seen: string[] = [];
    c.begin();
    do {
      c.rewind();
      const a = c.choose(2);
      const b = a === 0 ? c.choose(3) : -1; // the second choice exists only on one branch
      seen.push(`${a}${b}`);
    } while (c.advance());
    // a=0 with b=0,1,2, then a=1 (no second choice): four runs.
    expect(seen).toEqual(['00', '01', '02', '1-1']);
  });

  it('a step without choices runs once', () => {
    const c = new Choices();
    let runs = 0;
    c.begin();
    do {
      c.rewind();
      runs++;
    } while (c.advance());
    expect(runs).toBe(1);
  });

  it('more choices than the limit in one step is a model error', () => {
    const c = new Choices();
    c.begin();
    c.rewind();
    expect(() => {
      for (;;) c.choose(2);
    }).toThrow(ModelError);
  });
});

describe('kernel runtime', () => {
  it('signals range and division violations through the one signal object, and counts atomic statements', () => {
    const r = kernelRuntime();
    expect(r.st(3, 0, 3, 'x = %v')).toBe(3);
    expect(() => r.st(4, 0, 3, 'x = %v is outside 0..3')).toThrow(expect.objectContaining({ kind: 'range', message: 'x = 4 is outside 0..3' }));
    expect(r.ix(5, 2, 7, 'a[i]')).toBe(3);
    expect(() => r.div(1, 0, 'a / b')).toThrow(expect.objectContaining({ kind: 'division', message: 'division by zero in a / b' }));
    expect(r.div(-7, 2, 'q')).toBe(-3); // truncation toward zero, as in C
    expect(r.mod(-7, 2, 'q')).toBe(-1);
    r.startAtomic();
    r.tick(100_000);
    expect(() => r.tick(1)).toThrow(/100,000 statements/);
  });
});

describe('tso store buffers', () => {
  const sys = system('model m; shared x: 0..3; shared y: 0..3; process p { x = 1; y = 2; x = 3; }', 'tso', 3);
  const rt = new TsoRuntime(sys.runtime!.data as TsoRuntimeData);
  const X = slot(sys, 'x');
  const Y = slot(sys, 'y');

  it('forwards the newest buffered store of the location, else memory, and drains oldest first', () => {
    const s = sys.initial.slice();
    rt.push(s, 0, 0, X, 1);
    rt.push(s, 0, 0, Y, 2);
    rt.push(s, 0, 0, X, 3);
    expect(rt.ld(s, 0, 0, X)).toBe(3); // newest of the two entries for x
    expect(rt.ld(s, 0, 0, Y)).toBe(2);
    expect(s[X]).toBe(0); // memory untouched so far
    rt.drain(s, 0, 0);
    expect(s[X]).toBe(1); // the oldest entry, x=1, reached memory
    expect(s[slot(sys, 'p.sb.count')]).toBe(2);
    expect(rt.ld(s, 0, 0, X)).toBe(3); // still forwarded from the buffer
    rt.drain(s, 0, 0);
    rt.drain(s, 0, 0);
    expect([s[X], s[Y], s[slot(sys, 'p.sb.count')]]).toEqual([3, 2, 0]);
    // An empty buffer is all fixed values again: the state equals one that never buffered.
    const fresh = sys.initial.slice();
    fresh[X] = 3;
    fresh[Y] = 2;
    expect(Array.from(s)).toEqual(Array.from(fresh));
  });
});

describe('arm runtime', () => {
  // Two shared locations, K = 2: a pending store per location and the views of one process.
  const sys = system('model m; shared x: 0..3; shared y: 0..3; process p { x = 1; } process q { var r: 0..3; r = x; }', 'arm', 2);
  const data = sys.runtime!.data as ArmRuntimeData;
  const X = slot(sys, 'x');
  const Y = slot(sys, 'y');
  const fresh = () => new ArmRuntime(data, new Choices());

  it('a store waits in the buffer; commits are ordered by barriers and by location', () => {
    const rt = fresh();
    const s = sys.initial.slice();
    rt.sb(s, 0, 0, X, 1, 0, 0, 0);
    rt.wmb(s, 0, 0); // smp_wmb after x=1
    rt.sb(s, 0, 0, Y, 2, 0, 0, 0);
    expect(rt.eligible(s, 0, 0, 0)).toBe(true); // the oldest may always go
    expect(rt.eligible(s, 0, 0, 1)).toBe(false); // y=2 is behind a barrier
    rt.commit(s, 0, 0, 0);
    expect(s[X]).toBe(1);
    expect(s[slot(sys, 'x.ts')]).toBe(1); // the first message after the initial one
    expect(rt.eligible(s, 0, 0, 0)).toBe(true); // y=2 is now the oldest
  });

  it('a release store waits for every older store; a store waits for an older one to the same location', () => {
    const rt = fresh();
    const s = sys.initial.slice();
    rt.sb(s, 0, 0, X, 1, 0, 0, 0);
    rt.sb(s, 0, 0, Y, 2, 0, 0, 1); // release
    expect(rt.eligible(s, 0, 0, 1)).toBe(false);
    expect(rt.noRelease(s, 0, 0)).toBe(false);
    const t = sys.initial.slice();
    rt.sb(t, 0, 0, X, 1, 0, 0, 0);
    rt.sb(t, 0, 0, X, 2, 0, 0, 0);
    expect(rt.eligible(t, 0, 0, 1)).toBe(false);
  });

  it('a load may read an older message its views allow; the normal form drops what nobody can read', () => {
    const rt = fresh();
    const s = sys.initial.slice();
    rt.sb(s, 0, 0, X, 1, 0, 0, 0);
    rt.commit(s, 0, 0, 0); // x: initial 0 (ts 0), then 1 (ts 1); p has seen ts 1
    rt.normalise(s, 0);
    expect(s[slot(sys, 'x.older')]).toBe(1); // q has seen nothing: it may still read x=0
    // q (instance 1) loads x: two outcomes, the older message first.
    const c = new Choices();
    const rq = new ArmRuntime(data, c);
    const values: number[] = [];
    c.begin();
    do {
      c.rewind();
      const copy = s.slice();
      rq.w = 0;
      rq.enter();
      values.push(rq.ld(copy, 0, 1, X, 0));
    } while (c.advance());
    expect(values).toEqual([0, 1]);
    // Once q's coherence view of x is at ts 1 (it read x=1), nobody can read x=0 any more.
    const after = s.slice();
    after[slot(sys, 'q.coh[0]')] = 1;
    rt.normalise(after, 0);
    expect(after[slot(sys, 'x.older')]).toBe(0);
    expect(after[slot(sys, 'x')]).toBe(1);
  });

  it('renumbers timestamps densely', () => {
    const rt = fresh();
    const s = sys.initial.slice();
    // y gets ts 3 while nothing holds 1 or 2: after the normal form it is ts 1.
    s[slot(sys, 'y.ts')] = 3;
    s[slot(sys, 'p.vwOld')] = 3;
    rt.normalise(s, 0);
    expect([s[slot(sys, 'y.ts')], s[slot(sys, 'p.vwOld')]]).toEqual([1, 1]);
  });
});
