// Temporal properties under weak fairness, decided on the reachable graph (docs/language.md,
// "Properties and fairness"; docs/engine.md, "Liveness").
//
// A property is violated when some fair execution avoids Q for ever (`eventually Q`: from the
// initial state; `P ~> Q`: from a state where P holds). Such an execution ends, after a stem,
// either in a state with no enabled step (it stutters there) or in a strongly connected
// component of the states falsifying Q that is fair: every fair unit takes an edge inside it
// or is disabled in one of its states (so a cycle through all of it treats every unit
// fairly). One pass of Tarjan's algorithm over the states falsifying Q finds the components;
// a breadth-first search gives the shortest stem (ties broken by successor order, as for
// safety counterexamples), and a walk inside the component closes a fair cycle.
import type { TransitionSystem } from '../compile/system.ts';
import type { ExploreResult } from './bfs.ts';
import type { FoundViolation } from './expand.ts';
import type { StateGraph } from './graph.ts';

export interface Lasso {
  /** Index of the violated property. */
  readonly property: number;
  /** Successor positions from the initial state to the first state of the cycle. */
  readonly stem: number[];
  /** Successor positions around the cycle, back to its first state (empty: the stem ends where no step is enabled). */
  readonly cycle: number[];
  /** For `P ~> Q`: after how many stem steps the state where P holds is reached. */
  readonly pAt?: number;
  /** The fair units that take a step in the cycle, in unit order. */
  readonly units: number[];
  /** The states of the stem and the cycle, by number (the first is the initial state). */
  readonly states: number[];
}

const Q = 1;
const P = 2;

/** What the liveness phase adds to a search's result. */
export interface LivenessStats {
  readonly properties: number;
  readonly durationMs: number;
  /** The graph's own memory, on top of the safety search's. */
  readonly graphBytes: number;
}

/**
 * Decides the system's temporal properties on the graph a completed, passing search recorded;
 * the result is a liveness violation (the first violated property, in declaration order) or
 * still a pass, with the time and memory the phase took.
 */
export function checkProperties(system: TransitionSystem, result: ExploreResult, memoryLimitBytes?: number): ExploreResult & { liveness: LivenessStats } {
  const g = result.graph!;
  const t0 = Date.now();
  // The analysis needs about 56 bytes per state on top of the graph (Tarjan's arrays, the
  // search for the stem): a run that cannot afford it stops here rather than dying.
  const need = 56 * g.states + 4 * g.targets.length;
  if (memoryLimitBytes !== undefined && process.memoryUsage().rss + need > memoryLimitBytes)
    return {
      ...result,
      verdict: 'incomplete',
      stopReason: 'memory-limit',
      liveness: { properties: system.properties.length, durationMs: 0, graphBytes: g.bytes },
    };
  const lasso = findLasso(g, system.properties);
  const liveness = { properties: system.properties.length, durationMs: Date.now() - t0, graphBytes: g.bytes };
  if (!lasso) return { ...result, liveness };
  const p = system.properties[lasso.property];
  const violation: FoundViolation = {
    kind: 'liveness',
    property: p.name,
    message:
      lasso.cycle.length === 0
        ? `property ${p.name} is violated: the run stops where no step is enabled, and it never holds`
        : `property ${p.name} is violated: a fair cycle repeats for ever without it holding`,
    depth: lasso.stem.length,
    path: lasso.stem,
    cycle: lasso.cycle,
    ...(lasso.pAt !== undefined ? { pAt: lasso.pAt } : {}),
    cycleUnits: lasso.units,
  };
  return { ...result, verdict: 'violation', violation, liveness };
}

/** The first violated property among `properties` (indices, in declaration order), or null. */
export function findLasso(g: StateGraph, properties: readonly { kind: 'eventually' | 'leadsTo' }[]): Lasso | null {
  const enabled = enabledUnits(g);
  for (let k = 0; k < properties.length; k++) {
    const lasso = checkProperty(g, k, properties[k].kind, enabled);
    if (lasso) return lasso;
  }
  return null;
}

/** Per state, the fair units with an enabled step there: a bit set of `words` 32-bit words per state. */
interface Enabled {
  readonly words: number;
  readonly bits: Uint32Array;
}

function enabledUnits(g: StateGraph): Enabled {
  const words = Math.max(1, Math.ceil(g.unitCount / 32));
  const bits = new Uint32Array(g.states * words);
  for (let s = 0; s < g.states; s++)
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      const u = g.units[e];
      if (u >= 0) bits[s * words + (u >>> 5)] |= 1 << (u & 31);
    }
  return { words, bits };
}

const isEnabled = (en: Enabled, s: number, u: number): boolean => (en.bits[s * en.words + (u >>> 5)] & (1 << (u & 31))) !== 0;

function checkProperty(g: StateGraph, k: number, kind: 'eventually' | 'leadsTo', en: Enabled): Lasso | null {
  const n = g.states;
  const notQ = new Uint8Array(n);
  let any = false;
  for (let s = 0; s < n; s++)
    if (!(g.props[s * g.propertyCount + k] & Q)) {
      notQ[s] = 1;
      any = true;
    }
  if (!any) return null;
  const scc = fairComponents(g, notQ, en);
  const accepting = (s: number) => notQ[s] === 1 && (g.edgeStart[s + 1] === g.edgeStart[s] || scc.fair[scc.of[s]] === 1);

  // The shortest stem: breadth-first over (state, phase). Phase 0 is before the P state (only
  // for ~>), phase 1 from it on, through states falsifying Q only. Moving to phase 1 at a
  // state where P holds and Q does not costs no step: a 0-1 breadth-first search, with a
  // deque in one array (0-cost moves to the front).
  const nodes = 2 * n;
  const dist = new Int32Array(nodes).fill(-1);
  const parent = new Int32Array(nodes).fill(-1); // the node (state * 2 + phase) it was reached from
  const via = new Int32Array(nodes).fill(-1); // the edge, or -1 for the move to phase 1 in place
  const done = new Uint8Array(nodes);
  const queue = new Int32Array(3 * nodes + 2);
  let head = nodes + 1;
  let tail = head;
  if (kind === 'eventually' && !notQ[0]) return null;
  const start = kind === 'eventually' ? 1 : 0;
  dist[start] = 0;
  queue[tail++] = start;
  let found = -1;
  while (head < tail) {
    const node = queue[head++];
    if (done[node]) continue;
    done[node] = 1;
    const s = node >> 1;
    const phase = node & 1;
    if (phase === 1 && accepting(s)) {
      found = node;
      break;
    }
    if (phase === 0 && g.props[s * g.propertyCount + k] & P && notQ[s] && (dist[node + 1] < 0 || dist[node + 1] > dist[node])) {
      dist[node + 1] = dist[node];
      parent[node + 1] = node;
      via[node + 1] = -1;
      queue[--head] = node + 1;
    }
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      const t = g.targets[e];
      if (phase === 1 && !notQ[t]) continue;
      const to = (t << 1) | phase;
      if (dist[to] >= 0 && dist[to] <= dist[node] + 1) continue;
      dist[to] = dist[node] + 1;
      parent[to] = node;
      via[to] = e;
      queue[tail++] = to;
    }
  }
  if (found < 0) return null;

  const stem: number[] = [];
  const states: number[] = [];
  let pAt: number | undefined;
  for (let node = found; node >= 0; node = parent[node]) {
    const p = parent[node];
    if (p >= 0 && via[node] < 0)
      pAt = dist[node]; // phase 0 -> 1 in place
    else if (p >= 0) stem.push(via[node] - g.edgeStart[p >> 1]);
    if (p < 0 || via[node] >= 0) states.push(node >> 1);
  }
  stem.reverse();
  states.reverse();
  if (kind === 'leadsTo' && pAt === undefined) pAt = 0;
  const a = found >> 1;
  const cycle = fairCycle(g, a, scc, en, states);
  return { property: k, stem, cycle: cycle.positions, ...(pAt !== undefined ? { pAt } : {}), units: cycle.units, states };
}

interface Components {
  /** Component of each state falsifying Q (-1 for the others). */
  readonly of: Int32Array;
  /** Per component: 1 when it has an edge inside and every fair unit is treated fairly in it. */
  readonly fair: Uint8Array;
}

/** Tarjan's algorithm, iteratively, over the subgraph of the states falsifying Q. */
function fairComponents(g: StateGraph, notQ: Uint8Array, en: Enabled): Components {
  const n = g.states;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const of = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callState = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let sp = 0;
  let next = 0;
  let count = 0;
  const members: number[][] = [];
  for (let root = 0; root < n; root++) {
    if (!notQ[root] || index[root] >= 0) continue;
    let depth = 0;
    callState[0] = root;
    callEdge[0] = g.edgeStart[root];
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callState[depth];
      const e = callEdge[depth];
      if (e < g.edgeStart[v + 1]) {
        callEdge[depth] = e + 1;
        const w = g.targets[e];
        if (!notQ[w]) continue;
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          depth++;
          callState[depth] = w;
          callEdge[depth] = g.edgeStart[w];
        } else if (onStack[w] && index[w] < low[v]) low[v] = index[w];
        continue;
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack[--sp];
          onStack[w] = 0;
          of[w] = count;
          comp.push(w);
        } while (w !== v);
        members.push(comp);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const u = callState[depth];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  const fair = new Uint8Array(count);
  const U = g.unitCount;
  const taken = new Uint8Array(U);
  const enabledIn = new Int32Array(U);
  for (let c = 0; c < count; c++) {
    const comp = members[c];
    taken.fill(0);
    enabledIn.fill(0);
    let inside = false;
    for (const s of comp) {
      for (let u = 0; u < U; u++) if (isEnabled(en, s, u)) enabledIn[u]++;
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
        if (of[g.targets[e]] !== c) continue;
        inside = true;
        if (g.units[e] >= 0) taken[g.units[e]] = 1;
      }
    }
    let ok = inside;
    for (let u = 0; u < U && ok; u++) if (!taken[u] && enabledIn[u] === comp.length) ok = false;
    fair[c] = ok ? 1 : 0;
  }
  return { of, fair };
}

/**
 * A cycle from `a` back to it inside its component, along which every fair unit either takes
 * a step or is disabled in some state: for each unit in turn that the walk so far has not
 * served, go to the nearest state where it is disabled or where one of its edges stays inside,
 * and take that edge; then return to `a`. Empty when no step is enabled at `a`.
 */
function fairCycle(g: StateGraph, a: number, scc: Components, en: Enabled, states: number[]): { positions: number[]; units: number[] } {
  if (g.edgeStart[a + 1] === g.edgeStart[a]) return { positions: [], units: [] };
  const c = scc.of[a];
  const U = g.unitCount;
  const served = new Uint8Array(U);
  const positions: number[] = [];
  const stepped = new Uint8Array(U);
  const walk: Walk = { parentEdge: new Int32Array(g.states), seen: new Int32Array(g.states), queue: new Int32Array(g.states), stamp: 0 };
  const visit = (s: number) => {
    for (let u = 0; u < U; u++) if (!isEnabled(en, s, u)) served[u] = 1;
  };
  const take = (e: number) => {
    const s = findSource(g, e);
    positions.push(e - g.edgeStart[s]);
    const u = g.units[e];
    if (u >= 0) served[u] = stepped[u] = 1;
    const t = g.targets[e];
    visit(t);
    states.push(t);
    return t;
  };
  let cur = a;
  visit(a);
  for (let u = 0; u < U; u++) {
    if (served[u]) continue;
    // The nearest state (inside the component) where u is disabled or has an edge inside.
    const path = bfsInside(g, cur, scc, c, walk, (s) => {
      if (!isEnabled(en, s, u)) return -2;
      for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) if (g.units[e] === u && scc.of[g.targets[e]] === c) return e;
      return -1;
    });
    for (const e of path.edges) cur = take(e);
    if (path.then >= 0) cur = take(path.then);
  }
  if (cur === a && positions.length === 0) {
    // At least one step: the first edge of `a` that stays inside.
    for (let e = g.edgeStart[a]; e < g.edgeStart[a + 1]; e++)
      if (scc.of[g.targets[e]] === c) {
        cur = take(e);
        break;
      }
  }
  const back = bfsInside(g, cur, scc, c, walk, (s) => (s === a ? -2 : -1));
  for (const e of back.edges) cur = take(e);
  states.pop(); // the cycle's last state is its first, already listed
  const units: number[] = [];
  for (let u = 0; u < U; u++) if (stepped[u]) units.push(u);
  return { positions, units };
}

/** Arrays the walks inside one component share (a stamp marks what the current walk has seen). */
interface Walk {
  readonly parentEdge: Int32Array;
  readonly seen: Int32Array;
  readonly queue: Int32Array;
  stamp: number;
}

/**
 * The shortest path inside component c from `from` to the first state for which `goal` is not
 * -1 (-2: that state itself; an edge: that state, then that edge).
 */
function bfsInside(g: StateGraph, from: number, scc: Components, c: number, w: Walk, goal: (s: number) => number): { edges: number[]; then: number } {
  const { parentEdge, seen, queue } = w;
  const stamp = ++w.stamp;
  let tail = 0;
  queue[tail++] = from;
  seen[from] = stamp;
  parentEdge[from] = -1;
  for (let h = 0; h < tail; h++) {
    const s = queue[h];
    const r = goal(s);
    if (r !== -1) {
      const edges: number[] = [];
      for (let x = s; parentEdge[x] >= 0; x = findSource(g, parentEdge[x])) edges.push(parentEdge[x]);
      return { edges: edges.reverse(), then: r >= 0 ? r : -1 };
    }
    for (let e = g.edgeStart[s]; e < g.edgeStart[s + 1]; e++) {
      const t = g.targets[e];
      if (scc.of[t] !== c || seen[t] === stamp) continue;
      seen[t] = stamp;
      parentEdge[t] = e;
      queue[tail++] = t;
    }
  }
  throw new Error('a strongly connected component that is not connected');
}

/** The state an edge leaves (edges are stored by source, in order). */
function findSource(g: StateGraph, e: number): number {
  let lo = 0;
  let hi = g.states - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (g.edgeStart[mid] <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo; // the last state whose edges start at or before e: states without edges share a start
}
