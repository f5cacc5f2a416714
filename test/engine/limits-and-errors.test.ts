// Limits and errors behave the same for any number of workers: when two limits trip together
// the one order of precedence (interrupted, time, memory, states, depth) decides the reason,
// and a model error (a step with too many choices, a runaway atomic block) is a ModelError that
// names its step, whether one thread or several found it.
import { afterAll, describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import { compile, type TransitionSystem } from '../../src/compile/system.ts';
import { ModelError } from '../../src/explore/errors.ts';
import { Limits } from '../../src/explore/limits.ts';
import { closePools, exploreParallel } from '../../src/explore/parallel.ts';

afterAll(closePools);

function system(src: string): TransitionSystem {
  const r = checkFile('/virtual/l.mmu', {}, () => src);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return compile(r.model).system!;
}

// 4^5 = 1,024 states over 16 levels: big enough that every limit has work left to cut.
const WIDE = system('model wide; process p(i: 0..4) { var k: 0..3; loop { k = (k + 1) % 4; } }');

describe('one order of precedence for limits', () => {
  it('orders the reasons interrupted, time, memory, states, depth', () => {
    expect(Limits.first('max-states', 'interrupted')).toBe('interrupted');
    expect(Limits.first('memory-limit', 'time-limit')).toBe('time-limit');
    expect(Limits.first('max-depth', 'max-states')).toBe('max-states');
    expect(Limits.first(null, 'max-depth')).toBe('max-depth');
  });

  for (const workers of [1, 2]) {
    it(`interrupted and a time limit together: interrupted, with ${workers} worker(s)`, async () => {
      const r = await exploreParallel(WIDE, { workers, startBudget: 1, shouldStop: () => true, timeLimitMs: 1, maxStates: 2 });
      expect({ verdict: r.verdict, stop: r.stopReason }).toEqual({ verdict: 'incomplete', stop: 'interrupted' });
    });

    it(`a memory limit and a state limit together: memory-limit, with ${workers} worker(s)`, async () => {
      const r = await exploreParallel(WIDE, { workers, startBudget: 1, memoryLimitBytes: 1, maxStates: 2 });
      expect({ verdict: r.verdict, stop: r.stopReason }).toEqual({ verdict: 'incomplete', stop: 'memory-limit' });
    });
  }
});

describe('model errors are the same for any number of workers', () => {
  // Each run of the block chooses again and again: past 65,536 choices in one step it is the
  // model's fault, found at the block (action of p's only step).
  const CHOOSY = system('model choosy; shared x: 0..1; process p { x = 1; x = 0; atomic { loop { x = any(0..1); } } }');
  const RUNAWAY = system('model runaway; shared x: 0..1; shared y: 0..2; process p { y = 1; y = 2; atomic { while (x == 0) { skip; } } }');

  for (const workers of [1, 2]) {
    it(`too many choices in one step, with ${workers} worker(s)`, async () => {
      const e = await exploreParallel(CHOOSY, { workers, startBudget: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).message).toMatch(/more than 65,536 choices/);
      expect(CHOOSY.actions[(e as ModelError).action!].text).toMatch(/^atomic/);
    });

    it(`a runaway atomic block, with ${workers} worker(s)`, async () => {
      const e = await exploreParallel(RUNAWAY, { workers, startBudget: 1 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).message).toMatch(/100,000 statements/);
      expect(RUNAWAY.actions[(e as ModelError).action!].text).toMatch(/^atomic/);
    });
  }
});

describe('limits are looked at by work done, not every 1,024 states (issue 16)', () => {
  // 600 instances that each flip a bit for ever: every state has 600 successors of 1,200 values,
  // so one chunk of 1,024 states is hundreds of millions of values handled. The workers take
  // over at the first level boundary (startBudget 1) and must stop inside their chunks.
  const HUGE = system('model huge; process w(i: 0..599) { var b: bool; loop { b = !b; } }');
  for (const workers of [1, 2]) {
    it(`a time limit stops the search inside huge states, with ${workers} worker(s)`, async () => {
      const r = await exploreParallel(HUGE, { workers, startBudget: 1, timeLimitMs: 1500 });
      expect({ verdict: r.verdict, stop: r.stopReason }).toEqual({ verdict: 'incomplete', stop: 'time-limit' });
      expect(r.durationMs).toBeLessThan(1500 + 15_000); // a wide margin for a loaded machine; it used to be minutes
    });

    it(`an interruption is noticed inside huge states, with ${workers} worker(s)`, async () => {
      const t0 = Date.now();
      const r = await exploreParallel(HUGE, { workers, startBudget: 1, shouldStop: () => Date.now() - t0 > 1000 });
      expect({ verdict: r.verdict, stop: r.stopReason }).toEqual({ verdict: 'incomplete', stop: 'interrupted' });
      expect(Date.now() - t0).toBeLessThan(1000 + 15_000);
    });
  }
});
