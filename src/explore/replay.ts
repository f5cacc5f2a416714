// Rebuilds a counterexample from its path of successor positions by running the generated
// successor function again from the initial state, and re-checks that the violation is there.
import { flatView, sameView, type ScalarJson } from '../compile/state-view.ts';
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { Expander, type FoundViolation } from './expand.ts';

export interface TraceStep {
  readonly action: number; // index into system.actions
  readonly state: Int32Array | null; // the state after the step; null for a failing step
}

export interface Trace {
  readonly initial: Int32Array;
  readonly steps: TraceStep[];
}

export class ReplayError extends Error {}

export function replay(system: TransitionSystem, kernel: Kernel, violation: FoundViolation): Trace {
  const W = system.layout.width;
  const ex = new Expander(kernel, W);
  const out = ex.out;
  let state = system.initial.slice();
  const steps: TraceStep[] = [];
  const failing = violation.failedAction !== undefined;
  const moves = failing ? violation.path.length - 1 : violation.path.length;
  for (let k = 0; k < moves; k++) {
    const pos = violation.path[k];
    // A step that fails after this successor was made does not take it away (as in bfs.ts).
    ex.expand(state, 0);
    if (pos >= ex.count) throw new ReplayError(`replay diverged at step ${k + 1}: successor ${pos} of ${ex.count}`);
    state = out.buf.slice(pos * W, pos * W + W);
    steps.push({ action: out.actions[pos], state });
  }
  switch (violation.kind) {
    case 'invariant': {
      const k = kernel.invariants(state, 0);
      if (k < 0 || system.invariantNames[k] !== violation.property) throw new ReplayError(`replay did not reproduce the violation of ${violation.property}`);
      break;
    }
    case 'deadlock':
      ex.expand(state, 0);
      if (!ex.deadlocked) throw new ReplayError('replay did not reproduce the deadlock');
      break;
    default:
      if (failing) {
        ex.expand(state, 0);
        const at = violation.path[violation.path.length - 1];
        if (!ex.failed || ex.count !== at || kernel.signal.kind !== violation.kind)
          throw new ReplayError(`replay did not reproduce the ${violation.kind} violation`);
        steps.push({ action: out.failedAction, state: null });
      } else if (kernel.invariants(state, 0) !== -2) {
        throw new ReplayError(`replay did not reproduce the ${violation.kind} violation`);
      }
  }
  return { initial: system.initial, steps };
}

/** A step of a saved trace, as `mmucheck trace` reads it back. */
export interface RecordedStep {
  readonly position: number;
  readonly process: string;
  readonly action: string;
  readonly failing: boolean;
  readonly state: Record<string, ScalarJson> | null;
}

export type Rechecked = { ok: true; trace: Trace; path: number[] } | { ok: false; step: number; reason: string };

/**
 * Replays a saved trace against the model as it is now. Each step must lead to the recorded
 * state: the successor at the recorded position if it still does, else any successor that
 * does (the model may have gained or lost other steps). The recorded violation must be there
 * at the end. A trace that no longer holds is reported with its first bad step and why.
 */
export function recheck(
  system: TransitionSystem,
  kernel: Kernel,
  recorded: { initial: Record<string, ScalarJson>; steps: readonly RecordedStep[]; violation: { kind: string; property: string } },
): Rechecked {
  const W = system.layout.width;
  const ex = new Expander(kernel, W);
  const out = ex.out;
  const differ = (want: Record<string, ScalarJson>, got: Record<string, ScalarJson>): string => {
    for (const k of new Set([...Object.keys(want), ...Object.keys(got)]))
      if (want[k] !== got[k])
        return `${k} is ${got[k] === undefined ? 'not in the model' : JSON.stringify(got[k])} where the trace has ${want[k] === undefined ? 'no such location' : JSON.stringify(want[k])}`;
    return 'no difference';
  };
  let state = system.initial.slice();
  const init = flatView(system, state);
  if (!sameView(recorded.initial, init)) return { ok: false, step: 0, reason: `the initial state differs: ${differ(recorded.initial, init)}` };
  const steps: TraceStep[] = [];
  const path: number[] = [];
  for (const [k, rec] of recorded.steps.entries()) {
    ex.expand(state, 0);
    const n = ex.count;
    const label = `step ${k + 1} (${rec.process}: ${rec.action})`;
    if (rec.failing) {
      if (!ex.failed || kernel.signal.kind !== recorded.violation.kind)
        return { ok: false, step: k + 1, reason: `${label} was recorded as failing with a ${recorded.violation.kind} violation; it no longer fails` };
      steps.push({ action: out.failedAction, state: null });
      path.push(out.count);
      return { ok: true, trace: { initial: system.initial, steps }, path };
    }
    const want = rec.state!;
    const at = (j: number) => flatView(system, out.buf.subarray(j * W, j * W + W));
    let pick = rec.position < n && sameView(want, at(rec.position)) ? rec.position : -1;
    for (let j = 0; pick < 0 && j < n; j++) if (sameView(want, at(j))) pick = j;
    if (pick < 0) {
      const why =
        rec.position < n
          ? `the step at the recorded position now gives a state where ${differ(want, at(rec.position))}`
          : `only ${n} steps are enabled there now`;
      return { ok: false, step: k + 1, reason: `no step from the state before ${label} leads to the recorded state: ${why}` };
    }
    state = out.buf.slice(pick * W, pick * W + W);
    steps.push({ action: out.actions[pick], state });
    path.push(pick);
  }
  const v = recorded.violation;
  if (v.kind === 'invariant') {
    const k = kernel.invariants(state, 0);
    if (k < 0 || system.invariantNames[k] !== v.property)
      return { ok: false, step: recorded.steps.length, reason: `every step replays, but invariant ${v.property} now holds in the last state` };
  } else if (v.kind === 'deadlock') {
    ex.expand(state, 0);
    if (!ex.deadlocked) return { ok: false, step: recorded.steps.length, reason: 'every step replays, but the last state is no longer a deadlock' };
  } else if (kernel.invariants(state, 0) !== -2) {
    return { ok: false, step: recorded.steps.length, reason: `every step replays, but the ${v.kind} violation is gone` };
  }
  return { ok: true, trace: { initial: system.initial, steps }, path };
}
