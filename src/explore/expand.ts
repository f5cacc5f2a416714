// One meaning of a step, for every explorer (the BFS on one thread or on workers, random walks,
// replay): expanding a state gives its successors, in the kernel's fixed order, and tells
// whether a step failed on the way (assert, range, division: the successors made before it
// stand) or whether no step is enabled where the state is not a valid end (a deadlock). The
// violations found this way are built here too, so that they read the same wherever found.
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { SuccessorBuffer } from '../compile/system.ts';
import { ModelError } from './errors.ts';

export type ViolationKind = 'invariant' | 'assert' | 'deadlock' | 'range' | 'division' | 'liveness';

/** A violation, located by the path of successor positions from the initial state. */
export interface FoundViolation {
  readonly kind: ViolationKind;
  readonly property: string;
  readonly message: string;
  readonly depth: number;
  /** Successor positions leading from the initial state to the last state of the trace. */
  readonly path: number[];
  /** For a failing step (assert, range, division): its action id; the step is not a state. */
  readonly failedAction?: number;
  /**
   * For a liveness violation (a lasso): `path` is the stem and `depth` its length; these are
   * the successor positions around the cycle back to the stem's last state (empty: no step is
   * enabled there), after how many stem steps P held (for ~>), and the fair units acting in
   * the cycle.
   */
  readonly cycle?: number[];
  readonly pAt?: number;
  readonly cycleUnits?: number[];
}

export class Expander {
  readonly out: SuccessorBuffer;
  /** Successors in `out` (those made before the failing step, when one failed). */
  count = 0;
  /** A step failed (assert, range, division) after `count` successors. */
  failed = false;
  /** No step is enabled and the state is not a valid end (when deadlocks are checked). */
  deadlocked = false;

  /**
   * `canonical`: with symmetry reduction (when the kernel has it), every successor is replaced
   * by the canonical member of its orbit (the explorers' states are orbits; replay and
   * random walks stay concrete).
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly width: number,
    private readonly deadlock = true,
    canonical = false,
  ) {
    this.out = new SuccessorBuffer(width);
    this.canonicalize = canonical ? kernel.canonicalize : undefined;
  }

  private readonly canonicalize: ((s: Int32Array, so: number) => void) | undefined;

  expand(s: Int32Array, so: number): void {
    let r: number;
    try {
      r = this.kernel.successors(s, so, this.out);
    } catch (e) {
      // A model error names the step that was running.
      if (e instanceof ModelError && e.action === undefined && this.out.failedAction >= 0) e.action = this.out.failedAction;
      throw e;
    }
    this.failed = r < 0;
    this.count = r < 0 ? this.out.count : r;
    if (this.canonicalize) for (let j = 0; j < this.count; j++) this.canonicalize(this.out.buf, j * this.width);
    this.deadlocked = r === 0 && this.deadlock && !this.kernel.validEnd(s, so);
  }

  /** The failing step, as a violation: `path` leads to the state it failed in, at depth - 1. */
  failure(depth: number, path: readonly number[]): FoundViolation {
    const { kind, message } = this.kernel.signal;
    return {
      kind: kind as ViolationKind,
      property: kind === 'assert' ? message : kind,
      message: kind === 'assert' ? `assertion failed: ${message}` : message,
      depth,
      path: [...path, this.out.count],
      failedAction: this.out.failedAction,
    };
  }
}

/**
 * The first invariant false in the state at s[so..] (or the failure of evaluating one), as a
 * violation at `depth`; null when every invariant holds.
 */
export function invariantViolation(
  system: Pick<TransitionSystem, 'invariantNames'>,
  kernel: Kernel,
  s: Int32Array,
  so: number,
  depth: number,
  path: () => number[],
): FoundViolation | null {
  const k = kernel.invariants(s, so);
  if (k === -1) return null;
  if (k === -2) return { kind: kernel.signal.kind as ViolationKind, property: kernel.signal.kind, message: kernel.signal.message, depth, path: path() };
  const name = system.invariantNames[k];
  return { kind: 'invariant', property: name, message: `invariant ${name} is false`, depth, path: path() };
}

export function deadlockViolation(depth: number, path: number[]): FoundViolation {
  return { kind: 'deadlock', property: 'deadlock', message: 'no process can take a step', depth, path };
}
