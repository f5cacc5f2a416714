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
  /** For a lasso: the steps from this index on form the cycle, back to the state before it. */
  readonly cycleStart?: number;
}

export class ReplayError extends Error {}

export function replay(system: TransitionSystem, kernel: Kernel, violation: FoundViolation): Trace {
  const W = system.layout.width;
  const ex = new Expander(kernel, W);
  const out = ex.out;
  let state = system.initial.slice();
  const steps: TraceStep[] = [];
  const failing = violation.failedAction !== undefined;
  const path = violation.cycle ? [...violation.path, ...violation.cycle] : violation.path;
  const moves = failing ? path.length - 1 : path.length;
  for (let k = 0; k < moves; k++) {
    const pos = path[k];
    // A step that fails after this successor was made does not take it away (as in bfs.ts).
    ex.expand(state, 0);
    if (pos >= ex.count) throw new ReplayError(`replay diverged at step ${k + 1}: successor ${pos} of ${ex.count}`);
    state = out.buf.slice(pos * W, pos * W + W);
    steps.push({ action: out.actions[pos], state });
  }
  switch (violation.kind) {
    case 'liveness': {
      const trace = { initial: system.initial, steps, cycleStart: violation.path.length };
      const problem = lassoProblem(system, kernel, trace, violation.property, violation.pAt);
      if (problem) throw new ReplayError(`replay did not reproduce the lasso: ${problem}`);
      return trace;
    }
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
  recorded: {
    initial: Record<string, ScalarJson>;
    steps: readonly RecordedStep[];
    violation: { kind: string; property: string; depth: number; cycle?: number; pAt?: number };
  },
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
  const trace: Trace = { initial: system.initial, steps, ...(recorded.violation.kind === 'liveness' ? { cycleStart: recorded.violation.depth } : {}) };
  const problem = violationProblem(system, kernel, trace, recorded.violation);
  if (problem) return { ok: false, step: recorded.steps.length, reason: `every step replays, but ${problem}` };
  return { ok: true, trace, path };
}

/** The violation a saved trace claims, as replaying it needs it. */
export interface ClaimedViolation {
  readonly kind: string;
  readonly property: string;
  readonly depth: number;
  readonly cycle?: number;
  readonly pAt?: number;
}

/**
 * Why a replayed trace does not show the violation it claims, or null when it does. A
 * failing last step (no state after it) is checked by the caller, right after the expansion
 * that failed; here only that the failure is of the claimed kind.
 */
export function violationProblem(system: TransitionSystem, kernel: Kernel, trace: Trace, v: ClaimedViolation): string | null {
  const steps = trace.steps;
  const lastStep = steps[steps.length - 1];
  if (lastStep && !lastStep.state) return kernel.signal.kind === v.kind ? null : `its last step fails with a ${kernel.signal.kind} violation, not ${v.kind}`;
  const state = lastStep ? lastStep.state! : trace.initial;
  if (v.kind === 'liveness') {
    const problem = lassoProblem(system, kernel, { ...trace, cycleStart: v.depth }, v.property, v.pAt);
    return problem ? `it is no longer a counterexample: ${problem}` : null;
  }
  if (v.kind === 'invariant') {
    const k = kernel.invariants(state, 0);
    return k < 0 || system.invariantNames[k] !== v.property ? `invariant ${v.property} now holds in the last state` : null;
  }
  if (v.kind === 'deadlock') {
    const ex = new Expander(kernel, system.layout.width);
    ex.expand(state, 0);
    return ex.deadlocked ? null : 'the last state is no longer a deadlock';
  }
  return kernel.invariants(state, 0) !== -2 ? `the ${v.kind} violation is gone` : null;
}

/**
 * Why a replayed lasso is not a counterexample to `property`, or null when it is: the cycle
 * must return to its first state (or, with no cycle, no step may be enabled there), the
 * property's Q must be false on every state from the start (`eventually`) or from the state
 * where P holds (`~>`), and the cycle must be fair: every fair unit takes a step in it or is
 * disabled in one of its states.
 */
export function lassoProblem(system: TransitionSystem, kernel: Kernel, trace: Trace, property: string, pAt?: number): string | null {
  const k = system.properties.findIndex((p) => p.name === property);
  if (k < 0) return `the model has no property ${property}`;
  const p = system.properties[k];
  const states = [trace.initial, ...trace.steps.map((s) => s.state!)];
  const d = trace.cycleStart ?? trace.steps.length;
  const last = states.length - 1;
  const bits = new Uint8Array(system.properties.length);
  const from = p.kind === 'eventually' ? 0 : (pAt ?? -1);
  if (from < 0 || from > d) return 'the trace does not say where P holds';
  kernel.properties(states[from], 0, bits);
  if (p.kind === 'leadsTo' && !(bits[k] & 2)) return `P of ${property} does not hold after step ${from}`;
  for (let i = from; i <= last; i++) {
    kernel.properties(states[i], 0, bits);
    if (bits[k] & 1) return `${property}'s condition holds after step ${i}`;
  }
  const ex = new Expander(kernel, system.layout.width);
  if (last === d) {
    ex.expand(states[d], 0);
    return ex.count === 0 && !ex.failed ? null : `a step is enabled after step ${d}, so the run does not stop there`;
  }
  if (!sameArray(states[d], states[last])) return `the cycle does not return to the state after step ${d}`;
  // Fairness: units that step in the cycle, and units disabled in one of its states.
  const U = system.fairUnitNames.length;
  const served = new Uint8Array(U);
  for (let i = d; i < last; i++) {
    const u = system.fairUnitOf[trace.steps[i].action];
    if (u >= 0) served[u] = 1;
    ex.expand(states[i], 0);
    const enabled = new Uint8Array(U);
    for (let j = 0; j < ex.count; j++) {
      const v = system.fairUnitOf[ex.out.actions[j]];
      if (v >= 0) enabled[v] = 1;
    }
    for (let v = 0; v < U; v++) if (!enabled[v]) served[v] = 1;
  }
  const starved = system.fairUnitNames.filter((_, u) => !served[u]);
  return starved.length
    ? `the cycle is not fair: ${starved.join(', ')} ${starved.length === 1 ? 'is' : 'are'} enabled throughout and never ${starved.length === 1 ? 'steps' : 'step'}`
    : null;
}

function sameArray(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * With symmetry reduction, the recorded path leads through canonical states: each position
 * is among the successors of the canonical member of an orbit. This finds the concrete
 * execution from the model's real initial state: at each step, the first successor (in
 * successor order) whose canonical form is the next recorded state. Renaming commutes with
 * every step, so there is always one, and the counterexample is as short. A failing step is
 * the first to fail in the concrete state (the same kind of failure, maybe another process's).
 */
export function concretize(system: TransitionSystem, kernel: Kernel, v: FoundViolation): FoundViolation {
  const canonicalize = kernel.canonicalize;
  if (!system.symmetry || !canonicalize) return v;
  const W = system.layout.width;
  const ex = new Expander(kernel, W);
  const out = ex.out;
  let recorded = system.initial.slice();
  canonicalize(recorded, 0);
  let state = system.initial.slice();
  const path: number[] = [];
  const failing = v.failedAction !== undefined;
  const moves = failing ? v.path.length - 1 : v.path.length;
  const probe = new Int32Array(W);
  for (let k = 0; k < moves; k++) {
    ex.expand(recorded, 0);
    const pos = v.path[k];
    if (pos >= ex.count) throw new ReplayError(`replay diverged at step ${k + 1}: successor ${pos} of ${ex.count}`);
    const next = out.buf.slice(pos * W, pos * W + W);
    canonicalize(next, 0);
    ex.expand(state, 0);
    let pick = -1;
    for (let j = 0; j < ex.count && pick < 0; j++) {
      probe.set(out.buf.subarray(j * W, j * W + W));
      canonicalize(probe, 0);
      if (sameArray(probe, next)) pick = j;
    }
    if (pick < 0) throw new ReplayError(`no concrete step matches step ${k + 1} of the counterexample (is the model symmetric?)`);
    path.push(pick);
    state = out.buf.slice(pick * W, pick * W + W);
    recorded = next;
  }
  if (!failing) return { ...v, path };
  ex.expand(state, 0);
  if (!ex.failed) throw new ReplayError(`the concrete state after step ${moves} has no failing step`);
  return ex.failure(v.depth, path);
}
