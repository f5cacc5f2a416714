// Random walks for models too large to exhaust: from the initial state, take a successor
// chosen by a seeded generator, checking every property on the way. The same seed gives the
// same walks. A violation found this way is real but not necessarily the shortest.
import { SuccessorBuffer, type Kernel, type TransitionSystem } from '../compile/system.ts';
import type { FoundViolation, ViolationKind } from './bfs.ts';

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

export function simulate(system: TransitionSystem, kernel: Kernel, o: SimulateOptions): SimulateResult {
  const W = system.layout.width;
  const out = new SuccessorBuffer(W);
  const next = rng(o.seed);
  const start = Date.now();
  let stepsTaken = 0;
  const found = (run: number, v: FoundViolation): SimulateResult => ({
    verdict: 'violation',
    violation: v,
    run,
    runsDone: run + 1,
    stepsTaken,
    durationMs: Date.now() - start,
  });
  const invariantAt = (state: Int32Array, path: number[]): FoundViolation | null => {
    const k = kernel.invariants(state, 0);
    if (k === -1) return null;
    if (k === -2) return { kind: kernel.signal.kind as ViolationKind, property: kernel.signal.kind, message: kernel.signal.message, depth: path.length, path: [...path] };
    const name = system.invariantNames[k];
    return { kind: 'invariant', property: name, message: `invariant ${name} is false`, depth: path.length, path: [...path] };
  };
  for (let run = 0; run < o.runs; run++) {
    if (o.shouldStop?.()) return { verdict: 'incomplete', violation: null, run, runsDone: run, stepsTaken, durationMs: Date.now() - start };
    let state = system.initial.slice();
    const path: number[] = [];
    const v0 = invariantAt(state, path);
    if (v0) return found(run, v0);
    for (let step = 0; step < o.steps; step++) {
      const r = kernel.successors(state, 0, out);
      if (r === 0) {
        if (o.deadlock !== false && !kernel.validEnd(state, 0))
          return found(run, { kind: 'deadlock', property: 'deadlock', message: 'no process can take a step', depth: path.length, path: [...path] });
        break; // every process is done or idle: this walk is over
      }
      // A step that fails stands after the successors made before it; it can be chosen too.
      const choices = r < 0 ? out.count + 1 : r;
      const pick = Math.floor(next() * choices);
      stepsTaken++;
      if (r < 0 && pick === out.count) {
        const kind = kernel.signal.kind as ViolationKind;
        return found(run, {
          kind,
          property: kind === 'assert' ? kernel.signal.message : kind,
          message: kind === 'assert' ? `assertion failed: ${kernel.signal.message}` : kernel.signal.message,
          depth: path.length + 1,
          path: [...path, out.count],
          failedAction: out.failedAction,
        });
      }
      state = out.buf.slice(pick * W, pick * W + W);
      path.push(pick);
      const v = invariantAt(state, path);
      if (v) return found(run, v);
    }
  }
  return { verdict: 'pass', violation: null, run: o.runs, runsDone: o.runs, stepsTaken, durationMs: Date.now() - start };
}
