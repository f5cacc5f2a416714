// Rebuilds a counterexample from its path of successor positions by running the generated
// successor function again from the initial state, and re-checks that the violation is there.
import { SuccessorBuffer, type Kernel, type TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from './bfs.ts';

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
  const out = new SuccessorBuffer(W);
  let state = system.initial.slice();
  const steps: TraceStep[] = [];
  const failing = violation.failedAction !== undefined;
  const moves = failing ? violation.path.length - 1 : violation.path.length;
  for (let k = 0; k < moves; k++) {
    const pos = violation.path[k];
    // A step that fails after this successor was made does not take it away (as in bfs.ts).
    const r = kernel.successors(state, 0, out);
    const n = r < 0 ? out.count : r;
    if (pos >= n) throw new ReplayError(`replay diverged at step ${k + 1}: successor ${pos} of ${n}`);
    state = out.buf.slice(pos * W, pos * W + W);
    steps.push({ action: out.actions[pos], state });
  }
  switch (violation.kind) {
    case 'invariant': {
      const k = kernel.invariants(state, 0);
      if (k < 0 || system.invariantNames[k] !== violation.property)
        throw new ReplayError(`replay did not reproduce the violation of ${violation.property}`);
      break;
    }
    case 'deadlock':
      if (kernel.successors(state, 0, out) !== 0 || kernel.validEnd(state, 0))
        throw new ReplayError('replay did not reproduce the deadlock');
      break;
    default:
      if (failing) {
        const n = kernel.successors(state, 0, out);
        const at = violation.path[violation.path.length - 1];
        if (n !== -1 || out.count !== at || kernel.signal.kind !== violation.kind)
          throw new ReplayError(`replay did not reproduce the ${violation.kind} violation`);
        steps.push({ action: out.failedAction, state: null });
      } else if (kernel.invariants(state, 0) !== -2) {
        throw new ReplayError(`replay did not reproduce the ${violation.kind} violation`);
      }
  }
  return { initial: system.initial, steps };
}
