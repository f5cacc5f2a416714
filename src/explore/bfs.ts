// The exact breadth-first explorer (one worker). States of depth d are expanded as one
// level; a level ends before the next begins, so depths are exact and the first violation
// found at the least depth is the one reported. Each distinct state keeps only its parent's
// index and the position of its action among the parent's successors: traces are rebuilt by
// replay (see replay.ts).
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { SuccessorBuffer } from '../compile/system.ts';
import { ExactStateSet, FingerprintStateSet, IntLog, type StateSet } from './fingerprint.ts';

export type ViolationKind = 'invariant' | 'assert' | 'deadlock' | 'range' | 'division';
export type StopReason = 'max-states' | 'max-depth' | 'time-limit' | 'interrupted' | 'memory-limit';

export interface ExploreOptions {
  readonly deadlock?: boolean; // default true
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly timeLimitMs?: number;
  readonly memoryLimitBytes?: number;
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  readonly shouldStop?: () => boolean;
  /** Store whole states instead of fingerprints (no collisions; more memory). */
  readonly exact?: boolean;
  /** Stop at the first level boundary past this many states, or this much time, and hand over. */
  readonly handOffAt?: { states?: number; ms?: number };
  /** Called once, at a level boundary past this many states or this much time (to start threads). */
  readonly warmUpAt?: { states?: number; ms?: number };
  readonly onWarmUp?: () => void;
}

/** Everything the workers need to carry on a search from a level boundary. */
export interface HandOff {
  readonly depth: number; // depth of the frontier states
  readonly frontier: Int32Array; // packed states, back to back
  readonly count: number;
  readonly fingerprints: Int32Array; // pairs; (0, 0) is an empty slot
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly durationMs: number;
}

export interface Progress {
  readonly depth: number;
  readonly states: number;
  readonly transitions: number;
  readonly frontier: number;
  readonly elapsedMs: number;
  readonly memoryBytes: number;
}

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
}

export interface ExploreResult {
  readonly verdict: 'pass' | 'violation' | 'incomplete';
  readonly stopReason: StopReason | null;
  readonly violation: FoundViolation | null;
  readonly states: number;
  readonly transitions: number;
  readonly maxDepth: number;
  readonly durationMs: number;
  readonly peakMemoryBytes: number;
  readonly engineBytes: number; // seen-set, parent logs and frontiers
  readonly exact: boolean; // whole states were stored: no fingerprint collision possible
  readonly handOff?: HandOff; // set when the search stopped at options.handOffAt
}

export class ModelRuntimeError extends Error {}

/** The process's peak resident memory so far, as the kernel counts it (all threads). */
export function peakRss(): number {
  return Math.max(process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
}

/**
 * Explores every reachable state. Async only so that the event loop gets a turn every
 * ~100 ms: that is when Ctrl-C (via `shouldStop`) and progress timers are noticed.
 */
export async function explore(system: TransitionSystem, kernel: Kernel, opts: ExploreOptions = {}): Promise<ExploreResult> {
  let options = opts;
  const W = system.layout.width;
  const K = system.packing.words; // the frontier and the seen-set hold packed states
  const deadlock = options.deadlock !== false;
  const start = Date.now();
  const seen: StateSet = options.exact ? new ExactStateSet(K) : new FingerprintStateSet(K);
  const parents = new IntLog();
  const positions = new IntLog();
  const out = new SuccessorBuffer(W);
  const scratch = new Int32Array(Math.max(W, 1)); // the state being expanded, unpacked
  const packed = new Int32Array(K);
  let cur = new Int32Array(K * 1024);
  let curCount = 0;
  let next = new Int32Array(K * 1024);
  let nextCount = 0;
  let states = 0;
  let transitions = 0;
  let depth = 0;
  let levelStart = 0;
  let maxDepth = 0;
  let peakMemory = process.memoryUsage().rss;
  let lastProgress = start;
  let lastYield = start;
  const progressEvery = options.progressIntervalMs ?? 1000;

  const pathTo = (index: number): number[] => {
    const path: number[] = [];
    for (let i = index; parents.data[i] >= 0; i = parents.data[i]) path.push(positions.data[i]);
    return path.reverse();
  };
  const engineBytes = () => seen.bytes + parents.bytes + positions.bytes + cur.byteLength + next.byteLength + out.buf.byteLength;
  const result = (
    verdict: ExploreResult['verdict'],
    violation: FoundViolation | null,
    stopReason: StopReason | null = null,
  ): ExploreResult => ({
    verdict,
    stopReason,
    violation,
    states,
    transitions,
    maxDepth,
    durationMs: Date.now() - start,
    peakMemoryBytes: Math.max(peakMemory, peakRss()),
    engineBytes: engineBytes(),
    exact: seen.exact,
  });
  const invariantViolation = (buf: Int32Array, off: number, index: number, d: number): FoundViolation | null => {
    const k = kernel.invariants(buf, off);
    if (k === -1) return null;
    if (k === -2)
      return { kind: kernel.signal.kind as ViolationKind, property: kernel.signal.kind, message: kernel.signal.message, depth: d, path: pathTo(index) };
    const name = system.invariantNames[k];
    return { kind: 'invariant', property: name, message: `invariant ${name} is false`, depth: d, path: pathTo(index) };
  };
  const successorsOf = (buf: Int32Array, off: number): number => {
    try {
      return kernel.successors(buf, off, out);
    } catch (e) {
      if (e instanceof Error && e.name === 'ModelError') throw new ModelRuntimeError(e.message);
      throw e;
    }
  };

  // The initial state.
  kernel.pack(system.initial, 0, packed, 0);
  seen.insert(packed, 0);
  parents.push(-1);
  positions.push(-1);
  states = 1;
  cur.set(packed, 0);
  curCount = 1;
  const initViolation = invariantViolation(system.initial, 0, 0, 0);
  if (initViolation) return result('violation', initViolation);

  let stop: StopReason | null = null;
  while (curCount > 0) {
    const lastLevel = options.maxDepth !== undefined && depth >= options.maxDepth;
    let pending: FoundViolation | null = null;
    let deadlocked: FoundViolation | null = null;
    for (let i = 0; i < curCount; i++) {
      const index = levelStart + i;
      kernel.unpack(cur, i * K, scratch, 0);
      const r = successorsOf(scratch, 0);
      const n = r < 0 ? out.count : r;
      if (r === 0 && deadlock && !deadlocked && !kernel.validEnd(scratch, 0)) {
        // Shallower than anything pending from this level; the level is still finished so that
        // the counts do not depend on where in the level the deadlock stood (or on workers).
        deadlocked = { kind: 'deadlock', property: 'deadlock', message: 'no process can take a step', depth, path: pathTo(index) };
      }
      transitions += n;
      const buf = out.buf;
      for (let j = 0; j < n; j++) {
        const so = j * W;
        kernel.pack(buf, so, packed, 0);
        if (lastLevel) {
          if (!seen.has(packed, 0)) stop = 'max-depth';
          continue;
        }
        if (!seen.insert(packed, 0)) continue;
        const newIndex = states++;
        parents.push(index);
        positions.push(j);
        if ((nextCount + 1) * K > next.length) {
          const grown = new Int32Array(next.length * 2);
          grown.set(next);
          next = grown;
        }
        const to = nextCount * K;
        for (let k = 0; k < K; k++) next[to + k] = packed[k];
        nextCount++;
        if (!pending) pending = invariantViolation(buf, so, newIndex, depth + 1);
      }
      // Past --max-depth nothing is reported: a failing step from the last level is deeper.
      if (r < 0 && !pending && !lastLevel) {
        const path = pathTo(index);
        path.push(out.count);
        pending = {
          kind: kernel.signal.kind as ViolationKind,
          property: kernel.signal.kind === 'assert' ? kernel.signal.message : kernel.signal.kind,
          message: kernel.signal.kind === 'assert' ? `assertion failed: ${kernel.signal.message}` : kernel.signal.message,
          depth: depth + 1,
          path,
          failedAction: out.failedAction,
        };
      }
      if ((i & 1023) === 1023 || i === curCount - 1) {
        let now = Date.now();
        if (now - lastYield >= 100) {
          await new Promise((resolve) => setImmediate(resolve));
          now = lastYield = Date.now();
        }
        if (options.maxStates !== undefined && states >= options.maxStates && i < curCount - 1) stop = 'max-states';
        else if (options.timeLimitMs !== undefined && now - start >= options.timeLimitMs) stop = 'time-limit';
        else if (options.shouldStop?.()) stop = 'interrupted';
        else if (options.memoryLimitBytes !== undefined && process.memoryUsage().rss > options.memoryLimitBytes) stop = 'memory-limit';
        if (now - lastProgress >= progressEvery) {
          lastProgress = now;
          peakMemory = Math.max(peakMemory, process.memoryUsage().rss);
          options.onProgress?.({ depth, states, transitions, frontier: curCount - i, elapsedMs: now - start, memoryBytes: peakMemory });
        }
        if (stop && stop !== 'max-depth') break;
      }
    }
    const cut = stop !== null && stop !== 'max-depth'; // a limit stopped this level part way
    if (deadlocked || pending) {
      if (nextCount > 0) maxDepth = depth + 1;
      // A level cut short may hide a shallower violation: still show what was found, but the
      // verdict is incomplete (and the same for any number of workers).
      return result(cut ? 'incomplete' : 'violation', deadlocked ?? pending, cut ? stop : null);
    }
    if (options.maxStates !== undefined && states >= options.maxStates && nextCount > 0) stop = 'max-states';
    if (stop) return result('incomplete', null, stop);
    levelStart += curCount;
    [cur, next] = [next, cur];
    curCount = nextCount;
    nextCount = 0;
    if (curCount > 0) {
      depth++;
      maxDepth = depth;
    }
    const past = (at?: { states?: number; ms?: number }) =>
      at !== undefined && ((at.states !== undefined && states >= at.states) || (at.ms !== undefined && Date.now() - start >= at.ms));
    if (options.onWarmUp && past(options.warmUpAt)) {
      options.onWarmUp();
      options = { ...options, onWarmUp: undefined };
    }
    if (past(options.handOffAt) && curCount > 0 && seen.pairs) {
      const handOff: HandOff = {
        depth,
        frontier: cur.slice(0, curCount * K),
        count: curCount,
        fingerprints: seen.pairs,
        states,
        transitions,
        maxDepth,
        durationMs: Date.now() - start,
      };
      return { ...result('incomplete', null, null), handOff };
    }
  }
  return result('pass', null);
}
