// Breadth-first search across worker threads (piscina), level by level. The coordinator
// owns the level loop: it starts one task per worker per level, grows the shared seen-set
// between chunks when it fills up (workers pause, the table doubles, the level resumes),
// enforces limits, and reports progress from shared counters while the workers run.
//
// Exactness for any number of workers: the set of states of each level does not depend on
// who found them, and a level in which a violation appears is always finished, so states,
// transitions, maximum depth, verdict and violation depth are the same for 1 or 8 workers.
// Which counterexample is printed must not depend on them either: once the least violation
// depth is known, the one-worker engine (whose FIFO order defines the canonical choice)
// re-explores up to that depth and supplies the trace.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Piscina } from 'piscina';
import { instantiate, type Kernel, type TransitionSystem } from '../compile/system.ts';
import { explore, type ExploreOptions, type ExploreResult, type HandOff } from './bfs.ts';
import { EngineError, rethrow, type ReportedError } from './errors.ts';
import { Limits, peakRss, type StopReason } from './limits.ts';
import { SharedStore } from './store.ts';
import { CTRL, expandLevel, PUBLISH_EVERY, type LevelResult, type LevelTask, type MainShare, type Segment } from './worker.ts';

export interface ParallelOptions extends ExploreOptions {
  readonly workers: number;
  /**
   * States the main thread explores before handing over to the threads. By default it hands
   * over after about a second (threads start after ~300 ms), so small models never use them.
   */
  readonly startBudget?: number;
  /**
   * The default worker count: the main thread explores alone until the search has run this
   * long and found this many states, then starts the threads and hands over to them at the
   * first level boundary where they are ready (docs/engine.md, "Numbers").
   */
  readonly threadsFrom?: ThreadsFrom;
  /** log2 of the seen-set's first size (tests use a tiny table to exercise growth mid-level). */
  readonly initialTableLog2?: number;
}

/** Both must be passed. */
export interface ThreadsFrom {
  readonly states: number;
  readonly ms: number;
}

/**
 * Frontier states per chunk: at most 1,024, and small enough that a level has 64 chunks per
 * worker, so that its end does not wait long on one slow chunk (a thread's first chunks run
 * its kernel cold, several times slower than the main thread's).
 */
const CHUNK = 1024;
const MIN_CHUNK = 64;

/**
 * With `--workers N` given: the main thread explores alone for this long (a model done by then
 * never starts a thread), then starts the threads and hands over once they are ready.
 */
const EXPLICIT_WARM_UP_MS = 100;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
let runs = 0;

// One pool per worker count, kept for the life of the process (a spec run or the test suite
// explores many models); closePools() ends the threads.
interface PoolEntry {
  readonly pool: Piscina;
  readonly ready: Promise<void>;
  /** Rejects with an EngineError when a thread cannot start or dies outside a task. */
  readonly failed: Promise<never>;
}
const pools = new Map<number, PoolEntry>();

// The compiled package runs dist/explore/worker-entry.js; from the TypeScript sources (tests,
// a checkout without a fresh build) the threads load them through tsx.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-entry-tsx.js' : './worker-entry.js', import.meta.url).href;

/** The threads of a search with `workers` workers: the main thread is one of them. */
function poolFor(workers: number): PoolEntry {
  const threads = workers - 1;
  let entry = pools.get(threads);
  if (!entry) {
    const pool = new Piscina({
      filename: WORKER_ENTRY,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Infinity,
    });
    // Each thread posts a message once its modules are loaded (worker-entry.ts); piscina hands
    // it on as a 'message' event.
    const ready = new Promise<void>((resolve) => {
      let n = 0;
      pool.on('message', (m: unknown) => {
        if ((m as { mmucheckWorkerReady?: boolean } | null)?.mmucheckWorkerReady && ++n === threads) resolve();
      });
    });
    // A thread that cannot start (EAGAIN under a limit on processes) or that dies is an engine
    // failure (exit 70) with a message, not an unhandled 'error' event.
    let fail: (e: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => {
      fail = reject;
    });
    failed.catch(() => {}); // observed by the level that is running, if any
    pool.on('error', (e: unknown) => fail(new EngineError(`a worker thread failed: ${e instanceof Error ? e.message : String(e)}`)));
    entry = { pool, ready, failed };
    pools.set(threads, entry);
  }
  return entry;
}

/**
 * Ends every pool's threads. A thread still loading its module (a run stopped by a limit
 * just after the threads were started) is waited for, up to 60 s (a loaded machine), before it is terminated:
 * terminating a thread in the middle of its module loader can take the process down.
 */
export async function closePools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(
    all.map(async ({ pool, ready, failed }) => {
      // A pool whose thread failed has nothing left to wait for (and nothing keeps the event loop alive).
      await Promise.race([ready, failed.catch(() => {}), new Promise((r) => setTimeout(r, 60_000).unref())]);
      // The ready message is posted while the entry module evaluates; piscina loads it with a
      // synchronous require of an ES module, which still builds the module's facade after that,
      // and terminating the thread inside that step aborts the process (1 run in 50 stopped
      // 0.1-0.5 s in). A short pause lets the loading finish first.
      await new Promise((r) => setTimeout(r, 50));
      await pool.destroy();
    }),
  );
}

export async function exploreParallel(system: TransitionSystem, options: ParallelOptions): Promise<ExploreResult> {
  const kernel = instantiate(system);
  // Whole-state storage and the graph for liveness live in the one-worker engine only.
  if (options.workers <= 1 || options.exact || options.graph) return explore(system, kernel, options);
  // Most models are small: the main thread explores first, starts the threads once the model
  // proves larger than a few levels, and hands its fingerprints and frontier over to them at
  // a level boundary past the budget.
  // Without a budget the hand-off waits for the threads to be ready, so the main thread goes on
  // exploring while they start instead of waiting for them.
  const budget = options.startBudget;
  const from = options.threadsFrom;
  let ready = false;
  let first: ExploreResult | null = await explore(system, kernel, {
    ...options,
    // The table is shared from the start, so the hand-off copies nothing (unless a test asks
    // for a tiny first table, to exercise its growth); a one-thread search is as fast on it.
    sharedTable: options.initialTableLog2 === undefined,
    handOffAt: budget !== undefined ? { states: budget } : { ...(from ?? { ms: EXPLICIT_WARM_UP_MS }), ready: () => ready },
    // The default starts threads only while the levels still grow: past the widest level the
    // search may be about to end, and threads started then would cost more than they bring.
    warmUpAt: budget !== undefined ? { states: budget } : from ? { ...from, growing: true } : { ms: EXPLICIT_WARM_UP_MS },
    onWarmUp: () => {
      // A thread that cannot start also ends the wait: the coordinator then reports the failure (exit 70).
      const entry = poolFor(options.workers);
      const go = () => {
        ready = true;
      };
      entry.ready.then(go);
      entry.failed.catch(go);
    },
  });
  if (!first.handOff) return { ...first, threads: 1 };
  const coordinator = new Coordinator(system, kernel, options, first.handOff);
  first = null; // the hand-off's table and frontier are the coordinator's now, and freed once used
  return { ...(await coordinator.run()), threads: options.workers };
}

class Coordinator {
  private readonly pool: PoolEntry;
  private readonly control = new Int32Array(new SharedArrayBuffer(CTRL.length * 4));
  private readonly store: SharedStore;
  private stopReason: StopReason | null = null;
  private peak = process.memoryUsage().rss;
  private readonly start: number;
  private readonly limits: Limits;
  private readonly runId = ++runs;

  constructor(
    private readonly system: TransitionSystem,
    private readonly kernel: Kernel,
    private readonly options: ParallelOptions,
    private handOff: HandOff | null,
  ) {
    this.pool = poolFor(options.workers);
    this.store = new SharedStore(options.initialTableLog2 ?? 20, options.workers, PUBLISH_EVERY);
    this.start = Date.now() - handOff!.durationMs;
    this.limits = new Limits(options, this.start);
  }

  async run(): Promise<ExploreResult> {
    const timer = setInterval(() => this.watch(true), this.options.progressIntervalMs ?? 1000);
    // Limits and Ctrl-C every 100 ms, whatever the progress interval (5 s off a terminal).
    const limits = setInterval(() => this.watch(false), 100);
    try {
      return await this.levels();
    } finally {
      clearInterval(timer);
      clearInterval(limits);
    }
  }

  private states(): number {
    return 1 + Atomics.load(this.control, CTRL.size);
  }

  /** Limits and interruption (always), progress (from the timer), checked while the workers run. */
  private watch(report = false): void {
    const o = this.options;
    const rss = process.memoryUsage().rss;
    this.peak = Math.max(this.peak, rss);
    const elapsed = Date.now() - this.start;
    if (!this.stopReason) {
      const workLeft = this.frontierCount > Atomics.load(this.control, CTRL.expanded);
      this.stopReason = this.limits.reached({ states: this.states(), workLeft }, () => rss);
      if (this.stopReason) Atomics.store(this.control, CTRL.stop, 1);
    }
    if (!report) return;
    o.onProgress?.({
      depth: this.depth,
      states: this.states(),
      transitions: this.transitions,
      frontier: Math.max(0, this.frontierCount - Atomics.load(this.control, CTRL.expanded)),
      elapsedMs: elapsed,
      memoryBytes: this.peak,
    });
  }

  private lastBreath = Date.now();

  /** Every ~100 ms: let timers and Ctrl-C in, and check the limits (cheap, but not per level). */
  private async breathe(now = false): Promise<void> {
    if (!now && Date.now() - this.lastBreath < 100) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.watch();
    this.lastBreath = Date.now();
  }

  private depth = 0;
  private transitions = 0;
  private frontierCount = 1;

  private async levels(): Promise<ExploreResult> {
    const { system } = this;
    const K = system.packing.words;
    const kernel = this.kernel;
    let frontier: Segment[];
    let maxDepth: number;
    {
      const h = this.handOff!;
      this.handOff = null;
      this.store.adopt(h.fingerprints, h.states);
      Atomics.store(this.control, CTRL.size, h.states - 1);
      this.transitions = h.transitions;
      this.depth = h.depth;
      const first = new Int32Array(new SharedArrayBuffer(Math.max(h.count * K, 1) * 4));
      first.set(h.frontier);
      frontier = [{ buf: first, count: h.count }];
      maxDepth = h.maxDepth;
    }
    for (;;) {
      this.frontierCount = frontier.reduce((n, s) => n + s.count, 0);
      if (this.frontierCount === 0) return this.result('pass', maxDepth);
      const lastLevel = this.limits.isLastLevel(this.depth);
      this.ensureRoom(true);
      const level = await this.expand(frontier, lastLevel);
      if (level.error) rethrow(level.error);
      const next = level.segments;
      const found = next.reduce((n, s) => n + s.count, 0);
      if (found > 0) maxDepth = this.depth + 1;
      if (level.violationDepth >= 0) return this.violation(kernel, level.violationDepth, maxDepth);
      // One order of precedence, whoever noticed what first (limits.ts).
      this.stopReason = Limits.first(this.stopReason, this.limits.reached({ states: this.states(), workLeft: found > 0, cutByDepth: level.cutByDepth }));
      if (this.stopReason) return this.result('incomplete', maxDepth);
      frontier = next;
      if (found > 0) this.depth++;
      await this.breathe();
    }
  }

  /**
   * Expands one level: on this thread when the frontier is small (a round trip to the workers
   * would cost more than the work), else with every worker. Either way in rounds: a round ends
   * when the chunks run out, or when the table needs to grow (the workers pause between
   * states; what a chunk had left is queued again for the next round).
   */
  private async expand(frontier: Segment[], lastLevel: boolean) {
    const ctl = this.control;
    const triples: number[] = [];
    const chunk = Math.max(MIN_CHUNK, Math.min(CHUNK, Math.floor(this.frontierCount / (64 * this.options.workers))));
    frontier.forEach((seg, si) => {
      for (let lo = 0; lo < seg.count; lo += chunk) triples.push(si, lo, Math.min(lo + chunk, seg.count));
    });
    let chunks = Int32Array.from(triples);
    const inline = this.frontierCount < this.options.workers * CHUNK;
    Atomics.store(ctl, CTRL.expanded, 0);
    const latest = new Map<number, LevelResult>();
    let violationDepth = -1;
    let cutByDepth = false;
    let error: ReportedError | undefined;
    while (chunks.length > 0) {
      this.ensureRoom(false);
      Atomics.store(ctl, CTRL.cursor, 0);
      const task: LevelTask = {
        runId: this.runId,
        source: this.system.source,
        tables: this.system.tables,
        runtime: this.system.runtime,
        symmetry: this.system.symmetry,
        width: this.system.layout.width,
        packedWords: this.system.packing.words,
        level: this.depth,
        frontier,
        chunks,
        control: ctl,
        table: this.store.table,
        tableCopies: this.store.replacements,
        lastLevel,
        deadlock: this.options.deadlock !== false,
      };
      // The threads take chunks while this thread takes its own share, with the kernel it
      // has run since the start (already optimised: the threads' copies start cold, and a
      // second thread would be one more to start). It yields every 50 ms (limits, Ctrl-C,
      // progress), finishing the chunk it left when it resumes.
      const remote = inline
        ? null
        : Promise.race([Promise.all(Array.from({ length: this.options.workers - 1 }, () => this.pool.pool.run(task))), this.pool.failed]);
      remote?.catch(() => {}); // awaited below, once this thread's share is done
      const results: LevelResult[] = [];
      let resume: MainShare['resume'] = null;
      for (;;) {
        const r = expandLevel({ ...task, yieldAt: Date.now() + 50 }, { kernel: this.kernel, resume });
        resume = null;
        // A chunk left part way only because time was up is this thread's to finish; one left
        // because the table must grow, a limit or Ctrl-C goes back to the queue.
        const yielded =
          r.remainder !== null && !r.error && Atomics.load(ctl, CTRL.stop) === 0 && Atomics.load(ctl, CTRL.size) < Atomics.load(ctl, CTRL.pauseAt);
        results.push(yielded ? { ...r, remainder: null } : r);
        if (!yielded) break;
        resume = r.remainder;
        await this.breathe(true);
      }
      if (remote) results.push(...((await remote) as LevelResult[]));
      const again: number[] = [];
      for (const r of results) {
        this.transitions += r.transitions;
        if (r.level === this.depth) latest.set(r.threadId, r);
        if (r.violationDepth >= 0 && (violationDepth < 0 || r.violationDepth < violationDepth)) violationDepth = r.violationDepth;
        cutByDepth ||= r.cutByDepth;
        error ??= r.error;
        if (r.remainder) again.push(...r.remainder);
      }
      if (error || Atomics.load(ctl, CTRL.stop) !== 0) break;
      const claimed = Math.min(Atomics.load(ctl, CTRL.cursor), chunks.length / 3);
      chunks = Int32Array.from([...again, ...chunks.subarray(claimed * 3)]);
    }
    const segments = [...latest.values()]
      .sort((a, b) => a.threadId - b.threadId)
      .map((r) => r.segment)
      .filter((s) => s.count > 0);
    return { segments, violationDepth, cutByDepth, error };
  }

  /** Grows the shared table when it fills up (while no worker inserts) and sets the pause mark. */
  private ensureRoom(betweenLevels: boolean): void {
    const { pauseAt, replaced } = this.store.ensureRoom(Atomics.load(this.control, CTRL.size) + 1, betweenLevels);
    // The old table is freed (in every thread) before the next level.
    if (replaced) collectGarbage();
    Atomics.store(this.control, CTRL.pauseAt, pauseAt);
  }

  private async violation(kernel: Kernel, depth: number, maxDepth: number): Promise<ExploreResult> {
    const o = this.options;
    if (this.stopReason) {
      // A limit cut this level short: report incomplete, with the first violation the
      // one-worker engine finds within the same limits, if any.
      const partial = await explore(this.system, kernel, { ...o, maxDepth: Math.min(o.maxDepth ?? Infinity, this.depth + 1), onProgress: undefined });
      return { ...this.result('incomplete', maxDepth), violation: partial.violation };
    }
    // The canonical counterexample: the one the one-worker engine finds first. It re-explores
    // up to this depth (still subject to Ctrl-C and the time limit).
    const canonical = await explore(this.system, kernel, {
      deadlock: o.deadlock,
      maxDepth: Math.min(o.maxDepth ?? Infinity, this.depth + 1),
      shouldStop: o.shouldStop,
      timeLimitMs: o.timeLimitMs === undefined ? undefined : Math.max(1, o.timeLimitMs - (Date.now() - this.start)),
    });
    if (canonical.verdict === 'incomplete') {
      this.stopReason = canonical.stopReason;
      return this.result('incomplete', maxDepth);
    }
    if (canonical.verdict !== 'violation' || canonical.violation!.depth !== depth)
      throw new EngineError(`workers found a violation at depth ${depth}, the one-worker engine ${canonical.violation?.depth ?? 'none'}`);
    return { ...this.result('violation', maxDepth), violation: canonical.violation };
  }

  private result(verdict: ExploreResult['verdict'], maxDepth: number): ExploreResult {
    this.peak = Math.max(this.peak, peakRss());
    return {
      verdict,
      stopReason: verdict === 'incomplete' ? this.stopReason : null,
      violation: null,
      states: this.states(),
      transitions: this.transitions,
      maxDepth,
      durationMs: Date.now() - this.start,
      peakMemoryBytes: this.peak,
      engineBytes: this.store.bytes,
      exact: false,
    };
  }
}
