// One worker thread's share of a BFS level: claim chunks of the frontier with Atomics.add,
// expand each chunk in a function call of its own, insert successors into the shared
// seen-set, and append new states to this thread's own segment of the next frontier (a
// SharedArrayBuffer the next level reads directly; states never travel in messages).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { instantiate, type Kernel } from '../compile/system.ts';
import type { SymmetryPlan } from '../compile/symmetry.ts';
import type { RuntimeDescription } from '../memory/model.ts';
import { reportError, type ReportedError } from './errors.ts';
import { Expander } from './expand.ts';
import { batchRoom, insertHalves, prepareBatch, probe, type FingerprintTable } from './store.ts';

/** Slots of the control block shared by the coordinator and the workers. */
export const CTRL = { cursor: 0, stop: 1, size: 2, pauseAt: 3, expanded: 4, length: 8 } as const;

export interface Segment {
  readonly buf: Int32Array; // over a SharedArrayBuffer
  readonly count: number;
}

export interface LevelTask {
  readonly runId: number;
  readonly source: string;
  readonly tables: readonly (Uint8Array | Int32Array)[];
  readonly runtime: RuntimeDescription | null;
  readonly symmetry: SymmetryPlan | null;
  readonly width: number;
  readonly packedWords: number;
  readonly level: number; // depth of the states being expanded
  readonly frontier: readonly Segment[];
  /** The work of this round: triples (segment, lo, hi), claimed one by one with CTRL.cursor. */
  readonly chunks: Int32Array;
  readonly control: Int32Array; // over a SharedArrayBuffer, see CTRL
  readonly table: FingerprintTable;
  readonly tableCopies: number; // changes when the coordinator replaced the table by a copy
  readonly lastLevel: boolean; // at --max-depth: look, do not insert
  readonly deadlock: boolean;
  /** Return at the next state boundary after this time (Date.now()), leaving the rest as a remainder. */
  readonly yieldAt?: number;
}

export interface LevelResult {
  readonly threadId: number;
  readonly level: number;
  readonly segment: Segment; // everything this thread found at this level so far
  readonly transitions: number;
  /** Least depth of a violation this thread saw at this level, or -1. */
  readonly violationDepth: number;
  readonly cutByDepth: boolean;
  /** The part of a chunk left unexpanded when the table filled up: (segment, lo, hi). */
  readonly remainder: readonly [number, number, number] | null;
  readonly error?: ReportedError;
}

interface ThreadState {
  runId: number;
  kernel: Kernel;
  expander: Expander;
  level: number;
  buffers: [Int32Array, Int32Array]; // next-frontier segments, by level parity
  seg: Int32Array;
  segCount: number;
  fps: Int32Array; // the batch's fingerprints
  scratch: Int32Array;
  batch: Int32Array; // the successors of the state being expanded, packed
  tableCopies: number;
}

let mine: ThreadState | undefined;

// A SharedArrayBuffer is freed only when every thread that saw it has collected its handle,
// and a worker allocates so little that its collector seldom runs: when the coordinator has
// replaced the seen-set by a bigger one, collect, so the old table does not stay resident.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** How often a thread adds its inserts to the shared count (bounds how far the table overfills). */
export const PUBLISH_EVERY = 256;

/**
 * The coordinator's own share of a round, on the main thread: it passes the kernel its
 * one-thread search already ran (its code is optimised, a fresh instance's would not be), and
 * the chunk it left part way when it last yielded, to be finished first.
 */
export interface MainShare {
  readonly kernel: Kernel;
  readonly resume: readonly [number, number, number] | null;
}

export function expandLevel(task: LevelTask, main?: MainShare): LevelResult {
  const W = task.width;
  const K = task.packedWords;
  if (!mine || mine.runId !== task.runId) {
    const buffer = () => new Int32Array(new SharedArrayBuffer(K * 4 * 4096));
    const kernel = main?.kernel ?? instantiate(task);
    mine = {
      runId: task.runId,
      kernel,
      expander: new Expander(kernel, W, task.deadlock, true),
      level: -1,
      buffers: [buffer(), buffer()],
      seg: new Int32Array(0),
      segCount: 0,
      fps: new Int32Array(128),
      scratch: new Int32Array(Math.max(W, 1)),
      batch: new Int32Array(K * 64),
      tableCopies: task.tableCopies,
    };
  }
  const me = mine;
  if (me.tableCopies !== task.tableCopies) {
    me.tableCopies = task.tableCopies;
    collectGarbage();
  }
  if (me.level !== task.level) {
    // A new level: this level's new states go to the buffer of its parity. The other one holds
    // the frontier being expanded; this one held the level before it, which nobody reads now.
    me.level = task.level;
    me.seg = me.buffers[task.level & 1];
    me.segCount = 0;
  }
  const ctl = task.control;
  const chunks = task.chunks;
  const nChunks = chunks.length / 3;
  let transitions = 0;
  let violationDepth = -1;
  let cutByDepth = false;
  let remainder: [number, number, number] | null = null;
  const result = (error?: ReportedError): LevelResult => ({
    threadId,
    level: task.level,
    segment: { buf: me.seg, count: me.segCount },
    transitions,
    violationDepth,
    cutByDepth,
    remainder,
    ...(error ? { error } : {}),
  });
  const expand = (seg: number, lo: number, hi: number): boolean => {
    const r = expandChunk(task, me, task.frontier[seg].buf, lo, hi);
    transitions += r.transitions;
    if (r.violationDepth >= 0 && (violationDepth < 0 || r.violationDepth < violationDepth)) violationDepth = r.violationDepth;
    cutByDepth ||= r.cutByDepth;
    if (r.stoppedAt < hi) remainder = [seg, r.stoppedAt, hi];
    return r.stoppedAt === hi;
  };
  try {
    if (main?.resume && !expand(...main.resume)) return result();
    for (;;) {
      if (Atomics.load(ctl, CTRL.stop) !== 0) break;
      if (Atomics.load(ctl, CTRL.size) >= Atomics.load(ctl, CTRL.pauseAt)) break; // the coordinator grows the table
      const k = Atomics.add(ctl, CTRL.cursor, 1);
      if (k >= nChunks) break;
      if (!expand(chunks[3 * k], chunks[3 * k + 1], chunks[3 * k + 2])) break;
    }
  } catch (e) {
    return result(reportError(e));
  }
  return result();
}

function expandChunk(task: LevelTask, me: ThreadState, src: Int32Array, lo: number, hi: number) {
  // Locals, not properties of the (structured-cloned) task: this is the hot loop.
  const W = task.width;
  const K = task.packedWords;
  const scratch = me.scratch;
  const kernel = me.kernel;
  const ex = me.expander;
  const out = ex.out;
  const depth = task.level;
  const lastLevel = task.lastLevel;
  const table = task.table;
  const ctl = task.control;
  let seg = me.seg;
  let segCount = me.segCount;
  let transitions = 0;
  let unpublished = 0;
  let violationDepth = -1;
  let cutByDepth = false;
  let fps = me.fps;
  let batch = me.batch;
  let i = lo;
  states: for (; i < hi; i++) {
    // Stop when the table is full enough to be grown first: between two states, or in the
    // middle of one (its successors inserted so far are duplicates when it is redone, and its
    // transitions are counted only once it is complete).
    if (Atomics.load(ctl, CTRL.size) + unpublished >= Atomics.load(ctl, CTRL.pauseAt)) break;
    // A limit or Ctrl-C (the coordinator sets stop), or time to let the coordinator breathe.
    if (Atomics.load(ctl, CTRL.stop) !== 0) break;
    if (task.yieldAt !== undefined && i > lo && (i & 7) === 0 && Date.now() >= task.yieldAt) break;
    kernel.unpack(src, i * K, scratch, 0);
    ex.expand(scratch, 0);
    const n = ex.count;
    if (ex.failed && !lastLevel) violationDepth = violationDepth < 0 ? depth + 1 : Math.min(violationDepth, depth + 1);
    else if (ex.deadlocked) violationDepth = depth;
    const buf = out.buf;
    // Packed, fingerprinted and their home slots read as a batch (store.ts, prepareBatch).
    if (n * K > batch.length) batch = me.batch = new Int32Array(Math.max(n * K, batch.length * 2));
    for (let j = 0; j < n; j++) kernel.pack(buf, j * W, batch, j * K);
    fps = me.fps = batchRoom(fps, n);
    prepareBatch(table, batch, n, K, fps);
    for (let j = 0; j < n; j++) {
      const so = j * W;
      // In the middle of one huge state (thousands of successors): stop when asked to.
      if ((j & 63) === 63 && Atomics.load(ctl, CTRL.stop) !== 0) break states;
      const a = fps[2 * j];
      const b = fps[2 * j + 1];
      if (lastLevel) {
        if (probe(table, a, b) < 0) cutByDepth = true;
        continue;
      }
      if (!insertHalves(table, a, b)) continue;
      let pauseNow = false;
      if (++unpublished >= PUBLISH_EVERY) {
        pauseNow = Atomics.add(ctl, CTRL.size, unpublished) + unpublished >= Atomics.load(ctl, CTRL.pauseAt);
        unpublished = 0;
      }
      if ((segCount + 1) * K > seg.length) {
        const bigger = new Int32Array(new SharedArrayBuffer(seg.length * 8));
        bigger.set(seg);
        seg = bigger;
        me.buffers[depth & 1] = seg;
      }
      const to = segCount * K;
      const from = j * K;
      for (let k = 0; k < K; k++) seg[to + k] = batch[from + k];
      segCount++;
      if (kernel.invariants(buf, so) !== -1 && (violationDepth < 0 || depth + 1 < violationDepth)) violationDepth = depth + 1;
      if (pauseNow) break states; // the successor just inserted is in the frontier; the rest wait
    }
    transitions += n;
  }
  me.seg = seg;
  me.segCount = segCount;
  Atomics.add(ctl, CTRL.size, unpublished);
  Atomics.add(ctl, CTRL.expanded, i - lo);
  return { transitions, violationDepth, cutByDepth, stoppedAt: i };
}
