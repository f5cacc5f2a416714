// The exact breadth-first explorer (one worker). States of depth d are expanded as one
// level; a level ends before the next begins, so depths are exact and the first violation
// found at the least depth is the one reported. Each distinct state keeps only its parent's
// index and the position of its action among the parent's successors: traces are rebuilt by
// replay (see replay.ts).
import type { Kernel, TransitionSystem } from '../compile/system.ts';
import { deadlockViolation, Expander, invariantViolation, type FoundViolation } from './expand.ts';
import { IntLog } from './fingerprint.ts';
import { Limits, peakRss, type LimitOptions, type StopReason } from './limits.ts';
import { GraphRecorder, type StateGraph } from './graph.ts';
import type { LivenessStats } from './liveness.ts';
import { ExactStore, FingerprintStore, type FingerprintTable, type StateStore } from './store.ts';

export type { FoundViolation, ViolationKind } from './expand.ts';
export type { StopReason } from './limits.ts';
export { peakRss } from './limits.ts';
export { ModelError } from './errors.ts';

/** Values (state slots) unpacked, copied and hashed between two looks at the limits (a few ms). */
export const WORK_SLICE = 1 << 18;

export interface ExploreOptions extends LimitOptions {
  readonly deadlock?: boolean; // default true
  readonly onProgress?: (p: Progress) => void;
  readonly progressIntervalMs?: number;
  /** Store whole states instead of fingerprints (no collisions; more memory). */
  readonly exact?: boolean;
  /** Record the reachable graph for liveness (numbered states, edges, fair units, properties). */
  readonly graph?: boolean;
  /**
   * Stop at the first level boundary past this many states and this much time, and hand over;
   * with `ready`, only once it says so (the threads have started), so the main thread goes on
   * exploring rather than waiting for them.
   */
  readonly handOffAt?: { states?: number; ms?: number; ready?: () => boolean };
  /** Keep the fingerprints in a SharedArrayBuffer from the start, so the workers take them over as they are. */
  readonly sharedTable?: boolean;
  /** Called once, at a level boundary past this many states and this much time (to start threads). */
  /** `growing`: only at a level at least as large as the one before it (the search is not near its end). */
  readonly warmUpAt?: { states?: number; ms?: number; growing?: boolean };
  readonly onWarmUp?: () => void;
}

/** Everything the workers need to carry on a search from a level boundary. */
export interface HandOff {
  readonly depth: number; // depth of the frontier states
  readonly frontier: Int32Array; // packed states, back to back
  readonly count: number;
  readonly fingerprints: FingerprintTable;
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
  readonly graph?: StateGraph; // with options.graph, when the search completed
  readonly liveness?: LivenessStats; // when temporal properties were checked
  /** Threads that searched, set by exploreParallel: 1 when the main thread never handed over. */
  readonly threads?: number;
}

/**
 * Explores every reachable state. Async only so that the event loop gets a turn every
 * ~100 ms: that is when Ctrl-C (via `shouldStop`) and progress timers are noticed.
 */
export async function explore(system: TransitionSystem, kernel: Kernel, opts: ExploreOptions = {}): Promise<ExploreResult> {
  let options = opts;
  const W = system.layout.width;
  const K = system.packing.words; // the frontier and the seen-set hold packed states
  const start = Date.now();
  const limits = new Limits(options, start);
  const store: StateStore = options.exact ? new ExactStore(K) : new FingerprintStore(K, 16, options.graph, options.sharedTable === true && !options.graph);
  const graph = options.graph ? new GraphRecorder(kernel, system.fairUnitOf, system.properties.length, system.fairUnitNames.length) : null;
  const parents = new IntLog();
  const positions = new IntLog();
  const ex = new Expander(kernel, W, options.deadlock !== false, true);
  const out = ex.out;
  const scratch = new Int32Array(Math.max(W, 1)); // the state being expanded, unpacked
  const packed = new Int32Array(K);
  let batch = new Int32Array(K * 64); // the successors of the state being expanded, packed
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
  let work = 0; // values handled since the limits were last looked at
  const progressEvery = options.progressIntervalMs ?? 1000;

  const pathTo = (index: number): number[] => {
    const path: number[] = [];
    for (let i = index; parents.data[i] >= 0; i = parents.data[i]) path.push(positions.data[i]);
    return path.reverse();
  };
  const engineBytes = () => store.bytes + parents.bytes + positions.bytes + cur.byteLength + next.byteLength + out.buf.byteLength + (graph?.bytes ?? 0);
  const result = (verdict: ExploreResult['verdict'], violation: FoundViolation | null, stopReason: StopReason | null = null): ExploreResult => ({
    verdict,
    stopReason,
    violation,
    states,
    transitions,
    maxDepth,
    durationMs: Date.now() - start,
    peakMemoryBytes: Math.max(peakMemory, peakRss()),
    engineBytes: engineBytes(),
    exact: store.exact,
  });

  // The initial state (with symmetry, its orbit's canonical member).
  const initial = system.initial.slice();
  kernel.canonicalize?.(initial, 0);
  kernel.pack(initial, 0, packed, 0);
  store.insert(packed, 0);
  parents.push(-1);
  positions.push(-1);
  states = 1;
  cur.set(packed, 0);
  curCount = 1;
  graph?.state(initial, 0);
  const initViolation = invariantViolation(system, kernel, initial, 0, 0, () => []);
  if (initViolation) return result('violation', initViolation);

  while (curCount > 0) {
    const lastLevel = limits.isLastLevel(depth);
    let cutByDepth = false;
    let stop: StopReason | null = null; // a limit that cut this level part way
    let pending: FoundViolation | null = null;
    let deadlocked: FoundViolation | null = null;
    // Limits, Ctrl-C and progress are looked at by work done (values copied and hashed), not by
    // states alone: one state of a model with thousands of instances is thousands of successors.
    const look = async (left: boolean): Promise<StopReason | null> => {
      work = 0;
      let now = Date.now();
      if (now - lastYield >= 100) {
        await new Promise((resolve) => setImmediate(resolve));
        now = lastYield = Date.now();
      }
      const r = limits.reached({ states, workLeft: left });
      if (now - lastProgress >= progressEvery) {
        lastProgress = now;
        peakMemory = Math.max(peakMemory, process.memoryUsage().rss);
        options.onProgress?.({ depth, states, transitions, frontier: curCount - levelIndex, elapsedMs: now - start, memoryBytes: peakMemory });
      }
      return r;
    };
    let levelIndex = 0;
    level: for (let i = 0; i < curCount; i++) {
      levelIndex = i;
      const index = levelStart + i;
      kernel.unpack(cur, i * K, scratch, 0);
      graph?.expanding();
      ex.expand(scratch, 0);
      const n = ex.count;
      // Shallower than anything pending from this level; the level is still finished so that
      // the counts do not depend on where in the level the deadlock stood (or on workers).
      if (ex.deadlocked && !deadlocked) deadlocked = deadlockViolation(depth, pathTo(index));
      transitions += n;
      const buf = out.buf;
      work += W;
      // The successors are packed and looked up as a batch (StateStore.prepare).
      if (n * K > batch.length) batch = new Int32Array(Math.max(n * K, batch.length * 2));
      for (let j = 0; j < n; j++) kernel.pack(buf, j * W, batch, j * K);
      store.prepare(batch, n);
      for (let j = 0; j < n; j++) {
        const so = j * W;
        work += W;
        if (work >= WORK_SLICE && (j & 63) === 63 && j < n - 1) {
          // In the middle of one huge state: its remaining successors are not looked at.
          stop = await look(true);
          if (stop) break level;
        }
        if (lastLevel) {
          if (!store.hasAt(j)) cutByDepth = true;
          continue;
        }
        if (!store.insertAt(j)) {
          graph?.edge(store.found, out.actions[j]);
          continue;
        }
        const newIndex = states++;
        if (graph) {
          graph.edge(newIndex, out.actions[j]);
          graph.state(buf, so);
        }
        parents.push(index);
        positions.push(j);
        if ((nextCount + 1) * K > next.length) {
          const grown = new Int32Array(next.length * 2);
          grown.set(next);
          next = grown;
        }
        const to = nextCount * K;
        const from = j * K;
        for (let k = 0; k < K; k++) next[to + k] = batch[from + k];
        nextCount++;
        // The check itself allocates nothing; the violation is built only when there is one.
        if (!pending && kernel.invariants(buf, so) !== -1) pending = invariantViolation(system, kernel, buf, so, depth + 1, () => pathTo(newIndex));
      }
      // Past --max-depth nothing is reported: a failing step from the last level is deeper.
      if (ex.failed && !pending && !lastLevel) pending = ex.failure(depth + 1, pathTo(index));
      if (((i & 1023) === 1023 || work >= WORK_SLICE) && i < curCount - 1) {
        stop = await look(true);
        if (stop) break;
      }
    }
    if (deadlocked || pending) {
      if (nextCount > 0) maxDepth = depth + 1;
      // A level cut short may hide a shallower violation: still show what was found, but the
      // verdict is incomplete (and the same for any number of workers).
      return result(stop ? 'incomplete' : 'violation', deadlocked ?? pending, stop);
    }
    stop = Limits.first(stop, limits.reached({ states, workLeft: nextCount > 0, cutByDepth }));
    if (stop) {
      if (nextCount > 0) maxDepth = depth + 1;
      return result('incomplete', null, stop);
    }
    const expanded = curCount;
    levelStart += curCount;
    [cur, next] = [next, cur];
    curCount = nextCount;
    nextCount = 0;
    if (curCount > 0) {
      depth++;
      maxDepth = depth;
    }
    const past = (at?: { states?: number; ms?: number; growing?: boolean; ready?: () => boolean }) =>
      at !== undefined && states >= (at.states ?? 0) && Date.now() - start >= (at.ms ?? 0) && (!at.growing || curCount >= expanded) && (at.ready?.() ?? true);
    if (options.onWarmUp && past(options.warmUpAt)) {
      options.onWarmUp();
      options = { ...options, onWarmUp: undefined };
    }
    if (past(options.handOffAt) && curCount > 0 && store instanceof FingerprintStore && !graph) {
      const handOff: HandOff = {
        depth,
        frontier: cur.slice(0, curCount * K),
        count: curCount,
        fingerprints: store.table,
        states,
        transitions,
        maxDepth,
        durationMs: Date.now() - start,
      };
      return { ...result('incomplete', null, null), handOff };
    }
  }
  return graph ? { ...result('pass', null), graph: graph.finish(states) } : result('pass', null);
}
