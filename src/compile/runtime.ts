// What generated kernels call: the violation signal, range and division checks, the
// enumeration of choices inside a step, and the guard against runaway atomic blocks. This is
// ordinary, type-checked TypeScript; `instantiate` hands one instance of it to the generated
// code, the way it hands over the tables.

/**
 * A problem with the model found while running it (an atomic block that runs away, a step
 * with too many choices): the user's to fix, reported with the step where it happened.
 */
export class ModelError extends Error {
  override name = 'ModelError';
  /** The action (see TransitionSystem.actions) that was running, when known. */
  action: number | undefined;
  constructor(message: string, action?: number) {
    super(message);
    this.action = action;
  }
}

/** The violation a generated function signals by throwing this one preallocated object. */
export interface ViolationSignal {
  kind: string;
  message: string;
}

export const MAX_CHOICES = 1 << 16;
export const MAX_ATOMIC_STATEMENTS = 100_000;

/**
 * The sequences of choices made inside one step (which value `any` takes, which branch of
 * `either`, which message a load reads under arm), enumerated depth-first: the step runs
 * once per sequence. `choose(k)` replays the current sequence and extends it with 0.
 */
export class Choices {
  private readonly chosen = new Int32Array(MAX_CHOICES);
  private readonly arity = new Int32Array(MAX_CHOICES);
  private made = 0; // choices made in this run of the step
  private fixed = 0; // how many of them replay the previous sequence

  /** Before the first run of a step. */
  begin(): void {
    this.fixed = 0;
  }

  /** Before each run of the step. */
  rewind(): void {
    this.made = 0;
  }

  choose(k: number): number {
    if (this.made < this.fixed) return this.chosen[this.made++];
    if (this.made >= MAX_CHOICES) throw new ModelError(`a step made more than ${MAX_CHOICES.toLocaleString('en-US')} choices`);
    this.chosen[this.made] = 0;
    this.arity[this.made] = k;
    this.made++;
    return 0;
  }

  /** After a run: moves to the next sequence; false when every sequence has run. */
  advance(): boolean {
    let l = this.made;
    while (l > 0 && this.chosen[l - 1] === this.arity[l - 1] - 1) l--;
    this.fixed = l;
    if (l === 0) return false;
    this.chosen[l - 1]++;
    return true;
  }
}

export interface KernelRuntime {
  readonly signal: ViolationSignal;
  readonly choices: Choices;
  /** Signals a violation of `kind` (assert, range, division). */
  viol(kind: string, message: string): never;
  /** An index checked against its type's range, minus the range's low end. */
  ix(v: number, lo: number, hi: number, what: string): number;
  /** A value stored into a location of range lo..hi; `what` has `%v` where the value goes. */
  st(v: number, lo: number, hi: number, what: string): number;
  div(a: number, b: number, what: string): number;
  mod(a: number, b: number, what: string): number;
  /** A problem with the model (not a violation): stops the search with a ModelError. */
  fail(message: string): never;
  /** Starts counting the statements of an atomic block. */
  startAtomic(): void;
  /** Counts k statements of an atomic block; a block past the limit is a model error. */
  tick(k: number): void;
}

/** A fresh runtime (one per instantiated kernel: the choice stack is not shared). */
export function kernelRuntime(): KernelRuntime {
  const signal: ViolationSignal = { kind: '', message: '' };
  const viol = (kind: string, message: string): never => {
    signal.kind = kind;
    signal.message = message;
    throw signal;
  };
  let ops = 0;
  return {
    signal,
    choices: new Choices(),
    viol,
    ix(v, lo, hi, what) {
      if (v < lo || v > hi) viol('range', `index ${v} of ${what} is outside ${lo}..${hi}`);
      return v - lo;
    },
    st(v, lo, hi, what) {
      if (v < lo || v > hi) viol('range', what.replace('%v', String(v)));
      return v;
    },
    div(a, b, what) {
      if (b === 0) viol('division', `division by zero in ${what}`);
      return Math.trunc(a / b);
    },
    mod(a, b, what) {
      if (b === 0) viol('division', `modulo by zero in ${what}`);
      return a % b;
    },
    fail(message) {
      throw new ModelError(message);
    },
    startAtomic() {
      ops = 0;
    },
    tick(k) {
      ops += k;
      if (ops > MAX_ATOMIC_STATEMENTS) throw new ModelError(`an atomic block ran more than ${MAX_ATOMIC_STATEMENTS.toLocaleString('en-US')} statements`);
    },
  };
}
