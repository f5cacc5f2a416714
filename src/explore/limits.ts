// When a search stops before it is complete, and why: one order of precedence for every
// explorer and any number of workers, so that two limits tripping together give the same
// reason (and exit code) whoever noticed them first. Interruption comes first (the user asked),
// then the limits on time and memory (resources), then the limits on the search itself.
export type StopReason = 'interrupted' | 'time-limit' | 'memory-limit' | 'max-states' | 'max-depth';

export const PRECEDENCE: readonly StopReason[] = ['interrupted', 'time-limit', 'memory-limit', 'max-states', 'max-depth'];

export interface LimitOptions {
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeLimitMs?: number;
  readonly memoryLimitBytes?: number;
  readonly shouldStop?: () => boolean;
}

/** What the search knows when it looks at its limits. */
export interface SearchPoint {
  readonly states: number;
  /** States of this level still to expand, or, at the end of a level, states found in it. */
  readonly workLeft: boolean;
  /** At the end of a level at --max-depth: successors lay deeper. */
  readonly cutByDepth?: boolean;
}

export class Limits {
  private interrupted = false;

  constructor(
    private readonly o: LimitOptions,
    readonly start: number,
  ) {}

  /** Whether the search explores the level at this depth without inserting what it finds. */
  isLastLevel(depth: number): boolean {
    return this.o.maxDepth !== undefined && depth >= this.o.maxDepth;
  }

  /** The first limit reached, in order of precedence, or null. */
  reached(p: SearchPoint, rss = currentRss): StopReason | null {
    if (!this.interrupted && this.o.shouldStop?.()) this.interrupted = true;
    if (this.interrupted) return 'interrupted';
    if (this.o.timeLimitMs !== undefined && Date.now() - this.start >= this.o.timeLimitMs) return 'time-limit';
    if (this.o.memoryLimitBytes !== undefined && rss() > this.o.memoryLimitBytes) return 'memory-limit';
    if (this.o.maxStates !== undefined && p.states >= this.o.maxStates && p.workLeft) return 'max-states';
    if (p.cutByDepth) return 'max-depth';
    return null;
  }

  /** The higher-precedence of two reasons (null: none). */
  static first(a: StopReason | null, b: StopReason | null): StopReason | null {
    if (a === null) return b;
    if (b === null) return a;
    return PRECEDENCE.indexOf(a) <= PRECEDENCE.indexOf(b) ? a : b;
  }
}

function currentRss(): number {
  return process.memoryUsage().rss;
}

/** The process's peak resident memory so far, as the kernel counts it (all threads). */
export function peakRss(): number {
  return Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
}
