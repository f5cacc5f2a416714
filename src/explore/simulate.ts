// Random walks for models too large to exhaust: from the initial state, take a successor
// chosen by a seeded generator, checking every property on the way. The same seed gives the
// same walks. A violation found this way is real but not necessarily the shortest.
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { deadlockViolation, Expander, invariantViolation, type FoundViolation } from './expand.ts';

export interface SimulateOptions {
  readonly steps: number; // longest walk
  readonly runs: number;
  readonly seed: number;
  readonly deadlock?: boolean;
  readonly shouldStop?: () => boolean;
}

export interface SimulateResult {
  readonly verdict: 'pass' | 'violation' | 'incomplete';
  readonly violation: FoundViolation | null;
  readonly run: number; // the run that found the violation (0-based), or the runs done
  readonly runsDone: number;
  readonly stepsTaken: number;
  readonly durationMs: number;
}

/** mulberry32: small, fast and good enough to pick successors; fully determined by the seed. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Async only so that the event loop gets a turn every ~100 ms of walking: that is when Ctrl-C
 * (via `shouldStop`) is noticed, also in the middle of one long walk.
 */
export async function simulate(system: TransitionSystem, kernel: Kernel, o: SimulateOptions): Promise<SimulateResult> {
  const W = system.layout.width;
  const ex = new Expander(kernel, W, o.deadlock !== false);
  const out = ex.out;
  const next = rng(o.seed);
  const start = Date.now();
  let stepsTaken = 0;
  let sinceLook = 0;
  let lastYield = start;
  const found = (run: number, v: FoundViolation): SimulateResult => ({
    verdict: 'violation',
    violation: v,
    run,
    runsDone: run + 1,
    stepsTaken,
    durationMs: Date.now() - start,
  });
  for (let run = 0; run < o.runs; run++) {
    if (o.shouldStop?.()) return { verdict: 'incomplete', violation: null, run, runsDone: run, stepsTaken, durationMs: Date.now() - start };
    let state = system.initial.slice();
    const path: number[] = [];
    const v0 = invariantViolation(system, kernel, state, 0, 0, () => []);
    if (v0) return found(run, v0);
    for (let step = 0; step < o.steps; step++) {
      if ((++sinceLook & 255) === 0 && Date.now() - lastYield >= 100) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = Date.now();
        if (o.shouldStop?.()) return { verdict: 'incomplete', violation: null, run, runsDone: run, stepsTaken, durationMs: Date.now() - start };
      }
      ex.expand(state, 0);
      if (ex.deadlocked) return found(run, deadlockViolation(path.length, [...path]));
      if (ex.count === 0 && !ex.failed) break; // every process is done or idle: this walk is over
      // A step that fails stands after the successors made before it; it can be chosen too.
      const choices = ex.failed ? ex.count + 1 : ex.count;
      const pick = Math.floor(next() * choices);
      stepsTaken++;
      if (ex.failed && pick === ex.count) return found(run, ex.failure(path.length + 1, path));
      state = out.buf.slice(pick * W, pick * W + W);
      path.push(pick);
      const v = invariantViolation(system, kernel, state, 0, path.length, () => [...path]);
      if (v) return found(run, v);
    }
  }
  return { verdict: 'pass', violation: null, run: o.runs, runsDone: o.runs, stepsTaken, durationMs: Date.now() - start };
}
