// A deliberately naive reference checker for temporal properties (`eventually Q`, `P ~> Q`)
// under weak fairness, for differential testing of the real engine. It is written from the
// language contract (docs/language.md, "Properties and fairness") and the naive explorer
// (naive.ts) only: it builds the whole reachable graph with naiveGraph() and then works on
// that graph with textbook algorithms (breadth-first search and Tarjan's strongly connected
// components), favouring the obvious over the fast.
//
// Semantics, and the choices made where the contract leaves room (each the reading of SPIN's
// weak fairness, `pan -a -f`, and of TLC's WF_vars):
//
//  - An execution is an infinite sequence of states. A state with no enabled step at all
//    (terminated or deadlocked) repeats for ever; no other state ever repeats without a step.
//  - Fair units: each instance of an ordinary process or of a `fair background` process
//    (Process.fair); under tso and arm also, for every instance, the set of its drains (tso)
//    or commits (arm), whether or not the instance itself is fair. Plain background instances
//    constrain nothing: they may be enabled for ever and never move.
//  - A unit is enabled in a state when at least one of its steps is, i.e. when the state has
//    an outgoing edge labelled with that unit. Enabledness is taken in the WHOLE graph: a unit
//    whose only steps lead to a Q state is still enabled in that state.
//  - Weak fairness (WF): an execution is unfair when some fair unit is enabled in every state
//    from some point on and takes no step from that point on. A unit that is disabled in
//    infinitely many states of the execution is never owed a step, however often it is
//    enabled in between (that would be strong fairness, which is not what the contract says).
//    A step of the unit counts whatever state it leads to (a self-loop included).
//  - `eventually Q`: violated iff some fair execution from the initial state never visits a
//    Q state. `P ~> Q`: violated iff some fair execution visits a state where P holds and from
//    that state on (that state included) never visits a Q state. Before that P state the
//    execution may go anywhere (through Q states and through other P states).
//  - Consequently (the standard argument for WF): let H be the graph restricted to the states
//    where Q is false. An infinite execution that stays in H from some point on ends inside
//    one strongly connected component C of H, and can be fair there iff C has at least one
//    edge (possibly a self-loop) and every fair unit either is disabled in some state of C or
//    labels some edge inside C; a walk through every state and every edge of such a C, over
//    and over, is fair. No sub-component of an unfair C can be fair, since the unit that
//    condemns C is enabled in all of it and has no edge inside it, so C need not be split
//    (unlike strong fairness). A state of H with no outgoing edge at all stutters for ever,
//    which is fair (no unit is enabled). Call these two kinds of states "goal" states.
//  - Lasso: a stem (the steps from the initial state to the first state c of the cycle), then
//    a fair cycle from c back to c, or no cycle (length 0) when c has no enabled step. For
//    `eventually` every stem and cycle state falsifies Q; for `~>` the stem passes through a
//    P state (possibly its last state, c) and every state from there on falsifies Q.
//  - The reported depth is the shortest possible stem: for `eventually`, the distance in H
//    from the initial state to a goal state (no lasso when Q holds initially); for `~>`, the
//    least d(init, s) + dH(s, goal) over the states s where P holds and Q does not, d being
//    the distance in the whole graph and dH the distance inside H. Which of several shortest
//    stems is printed, and which cycle, is not part of what this checker promises (the cycle
//    it builds visits one witness per fair unit and is not minimal); callers compare the
//    verdict, the property and the depth. Every lasso found is re-checked step by step
//    against the definitions above before it is reported.
//  - Properties are checked only when the safety search (naiveExplore, with the same options)
//    passes; then the result carries verdict 'violation' with property, depth and cycle null,
//    and the safety result says what failed. With `deadlock: false` a deadlocked state is just
//    a state with no enabled step. Several violated properties: the first in declaration
//    order (after the `properties` filter) is reported.
//  - Not in the contract: a property whose evaluation fails in a reachable state (a division
//    by zero, an index out of range) makes this checker throw.
import type * as I from '../../src/check/ir.ts';
import { naiveExplore, naiveGraph, type NaiveGraph, type NaiveOptions, type NaiveResult } from './naive.ts';

export interface NaiveLivenessResult {
  verdict: 'pass' | 'violation';
  /** The violated property, null when it passes or when safety failed. */
  property: string | null;
  /** Steps of the stem (the shortest possible), null unless a property is violated. */
  depth: number | null;
  /** Steps of the cycle of the lasso found (0: the stem ends in a state with no enabled step). */
  cycle: number | null;
  /** Reachable states. */
  states: number;
  /** The safety search run first (with the same options). */
  safety: NaiveResult;
}

export type NaiveLivenessOptions = NaiveOptions & {
  /** Check only these properties (in declaration order); every name must exist. */
  properties?: string[];
};

export function naiveLiveness(model: I.CheckedModel, opts: NaiveLivenessOptions = {}): NaiveLivenessResult {
  const safety = naiveExplore(model, opts);
  if (safety.verdict !== 'pass') return { verdict: 'violation', property: null, depth: null, cycle: null, states: safety.states, safety };
  const wanted = opts.properties;
  for (const name of wanted ?? []) if (!model.properties.some((p) => p.name === name)) throw new Error(`naiveLiveness: no property '${name}'`);
  const props = wanted ? model.properties.filter((p) => wanted.includes(p.name)) : model.properties;
  if (!props.length) return { verdict: 'pass', property: null, depth: null, cycle: null, states: safety.states, safety };

  const graph = naiveGraph(model, opts);
  const n = graph.states.length;
  if (n !== safety.states) throw new Error(`internal: the graph has ${n} states, the safety search ${safety.states}`);
  const weak = opts.memory === 'tso' || opts.memory === 'arm';
  const fairUnits = graph.units.flatMap((u, i) => ((u.memory ? weak : u.process.fair) ? [i] : []));
  for (const p of props) {
    const lasso = findLasso(graph, p, fairUnits);
    if (lasso) {
      verifyLasso(graph, p, fairUnits, lasso);
      return { verdict: 'violation', property: p.name, depth: lasso.stem.length - 1, cycle: lasso.cycle.length - 1, states: n, safety };
    }
  }
  return { verdict: 'pass', property: null, depth: null, cycle: null, states: n, safety };
}

/**
 * A lasso as state sequences: `stem` from the initial state to c (both included), `cycle`
 * from c back to c (both included; just [c] when c has no enabled step), with the units of
 * their steps; `from` is the position in the stem of the P state (0 for `eventually`).
 */
interface Lasso {
  stem: number[];
  stemUnits: number[];
  cycle: number[];
  cycleUnits: number[];
  from: number;
}

function holds(graph: NaiveGraph, e: I.Expr, s: number): boolean {
  return graph.evaluate(e, s) !== 0;
}

/** Shortest paths from `sources` along `succ`, as distance and predecessor arrays (-1: none). */
function bfs(n: number, sources: number[], succ: (v: number) => readonly { readonly target: number; readonly unit: number }[]) {
  const dist = new Array<number>(n).fill(-1);
  const prev = new Array<number>(n).fill(-1);
  const prevUnit = new Array<number>(n).fill(-1);
  const queue: number[] = [];
  for (const s of sources) {
    if (dist[s] !== -1) continue;
    dist[s] = 0;
    queue.push(s);
  }
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h];
    for (const { target, unit } of succ(v)) {
      if (dist[target] !== -1) continue;
      dist[target] = dist[v] + 1;
      prev[target] = v;
      prevUnit[target] = unit;
      queue.push(target);
    }
  }
  return { dist, prev, prevUnit };
}

/** The path (states and step units) from a BFS source to `to`, read back from `prev`. */
function pathTo(to: number, prev: number[], prevUnit: number[]): { states: number[]; units: number[] } {
  const states = [to];
  const units: number[] = [];
  for (let v = to; prev[v] !== -1; v = prev[v]) {
    states.push(prev[v]);
    units.push(prevUnit[v]);
  }
  return { states: states.reverse(), units: units.reverse() };
}

/** Tarjan's algorithm (iterative) on the states where `inside` holds: a component number per state, -1 outside. */
function components(n: number, inside: boolean[], succ: (v: number) => number[]): number[] {
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const comp = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let counter = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (!inside[root] || index[root] !== -1) continue;
    const calls: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (calls.length) {
      const frame = calls[calls.length - 1];
      const v = frame[0];
      const next = succ(v);
      if (frame[1] < next.length) {
        const w = next[frame[1]++];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          calls.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      calls.pop();
      if (calls.length) {
        const u = calls[calls.length - 1][0];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === index[v]) {
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = false;
          comp[w] = count;
          if (w === v) break;
        }
        count++;
      }
    }
  }
  return comp;
}

function findLasso(graph: NaiveGraph, p: I.Property, fairUnits: number[]): Lasso | null {
  const n = graph.states.length;
  const notQ = graph.states.map((_, s) => !holds(graph, p.expr, s));
  // H: the states where Q is false and the edges between them.
  const hOut = graph.edges.map((out, v) => (notQ[v] ? out.filter((e) => notQ[e.target]) : []));
  const hEdges = (v: number) => hOut[v];
  const hTargets = hOut.map((out) => out.map((e) => e.target));
  const comp = components(n, notQ, (v) => hTargets[v]);

  // Which components of H can hold a fair execution for ever.
  const members = new Map<number, number[]>();
  for (let s = 0; s < n; s++) if (comp[s] >= 0) (members.get(comp[s]) ?? members.set(comp[s], []).get(comp[s])!).push(s);
  const fairComp = new Set<number>();
  for (const [c, states] of members) {
    const inner = states.flatMap((s) => graph.edges[s].filter((e) => comp[e.target] === c));
    if (!inner.length) continue; // a single state without a self-loop: no cycle here
    const ok = fairUnits.every((u) => states.some((s) => !graph.edges[s].some((e) => e.unit === u)) || inner.some((e) => e.unit === u));
    if (ok) fairComp.add(c);
  }
  const goal = (s: number): boolean => notQ[s] && (graph.edges[s].length === 0 || fairComp.has(comp[s]));

  // back[s]: the distance inside H from s to a goal state (backward search from the goals).
  const preds: { target: number; unit: number }[][] = graph.states.map(() => []);
  for (let s = 0; s < n; s++) for (const e of hEdges(s)) preds[e.target].push({ target: s, unit: e.unit });
  const goals = graph.states.flatMap((_, s) => (goal(s) ? [s] : []));
  const back = bfs(n, goals, (v) => preds[v]).dist;

  // The P states the stem may pass through, and the stem's length through each.
  let best = -1;
  let bestLen = Infinity;
  if (p.kind === 'eventually') {
    if (back[0] !== -1) {
      best = 0;
      bestLen = back[0];
    }
  } else {
    const d0 = bfs(n, [0], (v) => graph.edges[v]).dist;
    for (let s = 0; s < n; s++) {
      if (!notQ[s] || back[s] === -1 || !holds(graph, p.from!, s)) continue;
      if (d0[s] + back[s] < bestLen) {
        best = s;
        bestLen = d0[s] + back[s];
      }
    }
  }
  if (best < 0) return null;

  // The stem: a shortest path from the initial state to `best`, then down `back` to a goal.
  const head = bfs(n, [0], (v) => graph.edges[v]);
  const { states: stem, units: stemUnits } = pathTo(best, head.prev, head.prevUnit);
  const from = stem.length - 1;
  let c = best;
  while (!goal(c)) {
    const e = hEdges(c).find((x) => back[x.target] === back[c] - 1)!;
    stem.push(e.target);
    stemUnits.push(e.unit);
    c = e.target;
  }
  if (graph.edges[c].length === 0) return { stem, stemUnits, cycle: [c], cycleUnits: [], from };

  // The cycle: from c through one witness per fair unit (a state of the component where it
  // is disabled, else one of its edges inside the component), and back to c.
  const inC = (v: number) => graph.edges[v].filter((e) => comp[e.target] === comp[c]);
  const cycle = [c];
  const cycleUnits: number[] = [];
  const walk = (to: number): void => {
    const r = bfs(n, [cycle[cycle.length - 1]], inC);
    const path = pathTo(to, r.prev, r.prevUnit);
    cycle.push(...path.states.slice(1));
    cycleUnits.push(...path.units);
  };
  const states = members.get(comp[c])!;
  for (const u of fairUnits) {
    const idle = states.find((s) => !graph.edges[s].some((e) => e.unit === u));
    if (idle !== undefined) {
      walk(idle);
      continue;
    }
    const a = states.find((s) => inC(s).some((e) => e.unit === u))!;
    const e = inC(a).find((x) => x.unit === u)!;
    walk(a);
    cycle.push(e.target);
    cycleUnits.push(u);
  }
  if (cycle.length === 1) {
    const e = inC(c)[0]; // a cycle has at least one step
    cycle.push(e.target);
    cycleUnits.push(e.unit);
  }
  walk(c);
  return { stem, stemUnits, cycle, cycleUnits, from };
}

/** Re-checks a lasso against the definitions at the top of this file; throws if it is not one. */
function verifyLasso(graph: NaiveGraph, p: I.Property, fairUnits: number[], l: Lasso): void {
  const bad = (why: string): never => {
    throw new Error(`internal: the lasso found for '${p.name}' is wrong: ${why}`);
  };
  const steps = (states: number[], units: number[]) => {
    if (units.length !== states.length - 1) bad('step count');
    units.forEach((u, i) => {
      if (!graph.edges[states[i]].some((e) => e.target === states[i + 1] && e.unit === u)) bad(`no step ${states[i]} -> ${states[i + 1]}`);
    });
  };
  if (l.stem[0] !== 0) bad('the stem does not start at the initial state');
  steps(l.stem, l.stemUnits);
  steps(l.cycle, l.cycleUnits);
  const c = l.stem[l.stem.length - 1];
  if (l.cycle[0] !== c || l.cycle[l.cycle.length - 1] !== c) bad('the cycle does not start and end where the stem ends');
  if (p.kind === 'eventually' ? l.from !== 0 : !holds(graph, p.from!, l.stem[l.from])) bad('no P state on the stem');
  for (const s of [...l.stem.slice(l.from), ...l.cycle]) if (holds(graph, p.expr, s)) bad(`Q holds in state ${s}`);
  if (l.cycle.length === 1) {
    if (graph.edges[c].length) bad('a cycle of length 0 in a state with an enabled step');
    return;
  }
  for (const u of fairUnits) {
    const idle = l.cycle.some((s) => !graph.edges[s].some((e) => e.unit === u));
    if (!idle && !l.cycleUnits.includes(u)) bad(`unit ${u} is enabled all along the cycle and never steps`);
  }
}
