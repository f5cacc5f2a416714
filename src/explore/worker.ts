// One worker thread's share of a BFS level: claim chunks of the frontier with Atomics.add,
// expand each chunk in a function call of its own, insert successors into the shared
// seen-set, and append new states to this thread's own segment of the next frontier (a
// SharedArrayBuffer the next level reads directly; states never travel in messages).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { instantiate, SuccessorBuffer, type Kernel } from '../compile/system.ts';
import { fingerprint } from './fingerprint.ts';
import { sharedHas, sharedInsert, type SeenTable } from './shared-seen-set.ts';

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
  readonly width: number;
  readonly packedWords: number;
  readonly level: number; // depth of the states being expanded
  readonly frontier: readonly Segment[];
  readonly chunk: number;
  readonly control: Int32Array; // over a SharedArrayBuffer, see CTRL
  readonly table: SeenTable;
  readonly lastLevel: boolean; // at --max-depth: look, do not insert
  readonly deadlock: boolean;
}

export interface LevelResult {
  readonly threadId: number;
  readonly level: number;
  readonly segment: Segment; // everything this thread found at this level so far
  readonly transitions: number;
  /** Least depth of a violation this thread saw at this level, or -1. */
  readonly violationDepth: number;
  readonly cutByDepth: boolean;
  readonly error?: string;
}

interface ThreadState {
  runId: number;
  kernel: Kernel;
  out: SuccessorBuffer;
  level: number;
  seg: Int32Array;
  segCount: number;
  fp: Int32Array;
  scratch: Int32Array;
  packed: Int32Array;
}

let mine: ThreadState | undefined;

// A worker allocates almost no JavaScript objects, so its garbage collector seldom runs, and a
// SharedArrayBuffer is freed only when every thread that ever saw it has collected its handle:
// outgrown seen-set tables and old frontier segments would stay resident. So each worker
// collects once per level.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

export function expandLevel(task: LevelTask): LevelResult {
  const W = task.width;
  const K = task.packedWords;
  if (!mine || mine.runId !== task.runId) {
    mine = {
      runId: task.runId,
      kernel: instantiate(task),
      out: new SuccessorBuffer(W),
      level: -1,
      seg: new Int32Array(0),
      segCount: 0,
      fp: new Int32Array(2),
      scratch: new Int32Array(Math.max(W, 1)),
      packed: new Int32Array(K),
    };
  }
  const me = mine;
  if (me.level !== task.level) {
    // A new level: the old segment now belongs to the frontier being expanded; start afresh.
    collectGarbage();
    me.level = task.level;
    me.seg = new Int32Array(new SharedArrayBuffer(K * 4 * 4096));
    me.segCount = 0;
  }
  // Chunks never straddle two segments: chunk k is (segment, lo, hi).
  const chunks: number[] = [];
  task.frontier.forEach((s, si) => {
    for (let lo = 0; lo < s.count; lo += task.chunk) chunks.push(si, lo, Math.min(lo + task.chunk, s.count));
  });
  const nChunks = chunks.length / 3;
  const ctl = task.control;
  let transitions = 0;
  let violationDepth = -1;
  let cutByDepth = false;
  try {
    for (;;) {
      if (Atomics.load(ctl, CTRL.stop) !== 0) break;
      if (Atomics.load(ctl, CTRL.size) >= Atomics.load(ctl, CTRL.pauseAt)) break; // the coordinator grows the table
      const k = Atomics.add(ctl, CTRL.cursor, 1);
      if (k >= nChunks) break;
      const r = expandChunk(task, me, task.frontier[chunks[3 * k]].buf, chunks[3 * k + 1], chunks[3 * k + 2]);
      transitions += r.transitions;
      if (r.violationDepth >= 0 && (violationDepth < 0 || r.violationDepth < violationDepth)) violationDepth = r.violationDepth;
      cutByDepth ||= r.cutByDepth;
    }
  } catch (e) {
    return { threadId, level: task.level, segment: { buf: me.seg, count: me.segCount }, transitions, violationDepth, cutByDepth, error: (e as Error).message };
  }
  return { threadId, level: task.level, segment: { buf: me.seg, count: me.segCount }, transitions, violationDepth, cutByDepth };
}

function expandChunk(task: LevelTask, me: ThreadState, src: Int32Array, lo: number, hi: number) {
  // Locals, not properties of the (structured-cloned) task: this is the hot loop.
  const W = task.width;
  const K = task.packedWords;
  const scratch = me.scratch;
  const packed = me.packed;
  const kernel = me.kernel;
  const out = me.out;
  const depth = task.level;
  const lastLevel = task.lastLevel;
  const deadlock = task.deadlock;
  const table = task.table;
  let seg = me.seg;
  let segCount = me.segCount;
  let transitions = 0;
  let inserted = 0;
  let violationDepth = -1;
  let cutByDepth = false;
  const fp = me.fp;
  for (let i = lo; i < hi; i++) {
    kernel.unpack(src, i * K, scratch, 0);
    const r = kernel.successors(scratch, 0, out);
    const n = r < 0 ? out.count : r;
    if (r < 0) violationDepth = violationDepth < 0 ? depth + 1 : Math.min(violationDepth, depth + 1);
    else if (r === 0 && deadlock && !kernel.validEnd(scratch, 0)) violationDepth = depth;
    transitions += n;
    const buf = out.buf;
    for (let j = 0; j < n; j++) {
      const so = j * W;
      kernel.pack(buf, so, packed, 0);
      fingerprint(packed, 0, K, fp);
      const a = fp[0];
      const b = fp[1];
      if (lastLevel) {
        if (!sharedHas(table, a, b)) cutByDepth = true;
        continue;
      }
      if (!sharedInsert(table, a, b)) continue;
      inserted++;
      if ((segCount + 1) * K > seg.length) {
        const bigger = new Int32Array(new SharedArrayBuffer(seg.length * 8));
        bigger.set(seg);
        seg = bigger;
      }
      const to = segCount * K;
      for (let k = 0; k < K; k++) seg[to + k] = packed[k];
      segCount++;
      if (kernel.invariants(buf, so) !== -1 && (violationDepth < 0 || depth + 1 < violationDepth)) violationDepth = depth + 1;
    }
  }
  me.seg = seg;
  me.segCount = segCount;
  Atomics.add(task.control, CTRL.size, inserted);
  Atomics.add(task.control, CTRL.expanded, hi - lo);
  return { transitions, violationDepth, cutByDepth };
}
