// Random walks for models too large to exhaust: from the initial state, take a successor
// chosen by a seeded generator, checking every property on the way. The same seed gives the
// same walks. A violation found this way is real but not necessarily the shortest.
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { deadlockViolation, Expander, invariantViolation, type FoundViolation } from './expand.ts';

export interface SimulateOptions {
  readonly steps: number; // longest walk
  /** Walks to take (default: no limit; then the time limit or a violation ends the run). */
  readonly runs?: number;
  readonly seed: number;
  readonly deadlock?: boolean;
  readonly timeLimitMs?: number;
  readonly shouldStop?: () => boolean;
  readonly onProgress?: (p: SimulateProgress) => void;
  readonly progressIntervalMs?: number;
}

export interface SimulateProgress {
  readonly runsDone: number;
  readonly stepsTaken: number;
  readonly elapsedMs: number;
}

export interface SimulateResult {
  /** incomplete: interrupted (Ctrl-C) before the walks were done. */
  readonly verdict: 'pass' | 'violation' | 'incomplete';
  /** What ended a run without a violation: every walk taken, the time limit, or Ctrl-C. */
  readonly stopReason: 'runs' | 'time-limit' | 'interrupted' | null;
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
 * Walks one after another until `runs` walks were taken, the time limit passed or a walk found
 * a violation. A walk ends after `steps` steps or where no step is enabled (every process done);
 * the next one starts from the initial state, with the generator where the last one left it,
 * so the same seed gives the same walks. Async only so that the event loop gets a turn every
 * ~100 ms of walking (also in the middle of one long walk): that is when Ctrl-C (via
 * `shouldStop`), the time limit and progress are noticed.
 */
export async function simulate(system: TransitionSystem, kernel: Kernel, o: SimulateOptions): Promise<SimulateResult> {
  const W = system.layout.width;
  const ex = new Expander(kernel, W, o.deadlock !== false);
  const out = ex.out;
  const next = rng(o.seed);
  const start = Date.now();
  const runs = o.runs ?? Infinity;
  let stepsTaken = 0;
  let lastBreath = start;
  let lastProgress = start;
  let sinceLook = 0;
  const result = (verdict: SimulateResult['verdict'], stopReason: SimulateResult['stopReason'], run: number, violation: FoundViolation | null = null) => ({
    verdict,
    stopReason,
    violation,
    run,
    runsDone: violation ? run + 1 : run,
    stepsTaken,
    durationMs: Date.now() - start,
  });
  for (let run = 0; run < runs; run++) {
    const now = Date.now();
    if (now - lastBreath >= 100) {
      await new Promise((resolve) => setImmediate(resolve));
      lastBreath = Date.now();
      if (o.onProgress && lastBreath - lastProgress >= (o.progressIntervalMs ?? 1000)) {
        lastProgress = lastBreath;
        o.onProgress({ runsDone: run, stepsTaken, elapsedMs: lastBreath - start });
      }
    }
    if (o.shouldStop?.()) return result('incomplete', 'interrupted', run);
    if (o.timeLimitMs !== undefined && Date.now() - start >= o.timeLimitMs) return result('pass', 'time-limit', run);
    let state = system.initial.slice();
    const path: number[] = [];
    const v0 = invariantViolation(system, kernel, state, 0, 0, () => []);
    if (v0) return result('violation', null, run, v0);
    for (let step = 0; step < o.steps; step++) {
      if ((++sinceLook & 255) === 0 && Date.now() - lastBreath >= 100) {
        await new Promise((resolve) => setImmediate(resolve));
        lastBreath = Date.now();
        if (o.shouldStop?.()) return result('incomplete', 'interrupted', run);
        if (o.timeLimitMs !== undefined && lastBreath - start >= o.timeLimitMs) return result('pass', 'time-limit', run);
      }
      ex.expand(state, 0);
      if (ex.deadlocked) return result('violation', null, run, deadlockViolation(path.length, [...path]));
      if (ex.count === 0 && !ex.failed) break; // every process is done or idle: this walk is over
      // A step that fails stands after the successors made before it; it can be chosen too.
      const choices = ex.failed ? ex.count + 1 : ex.count;
      const pick = Math.floor(next() * choices);
      stepsTaken++;
      if (ex.failed && pick === ex.count) return result('violation', null, run, ex.failure(path.length + 1, path));
      state = out.buf.slice(pick * W, pick * W + W);
      path.push(pick);
      const v = invariantViolation(system, kernel, state, 0, path.length, () => [...path]);
      if (v) return result('violation', null, run, v);
    }
  }
  return result('pass', 'runs', runs);
}
