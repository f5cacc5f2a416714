// Lowers each process instance to a control-flow automaton whose nodes are the program
// points where the next thing to happen is a step. Everything that is not a step (labels,
// barriers under sc, break/continue/return, loop back-jumps, folded conditions, the `for`
// mechanics) is resolved here, at compile time, so it never costs a state.
import { ConstDivisionByZero, evalConst } from '../check/consteval.ts';
import * as I from '../check/ir.ts';
import type { MemoryModel } from '../memory/model.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import type { Span } from '../parse/source.ts';

/** Values of the `for` variables in scope (by bound slot), fixed by unrolling. */
export type Env = readonly (number | undefined)[];

export type StepStmt = Extract<I.Stmt, { kind: 'assign' | 'any' | 'op' | 'await' | 'assert' | 'skip' | 'fence' }>;

/** An inline call the statement of an edge was expanded from: the inline's name and the call. */
export interface InlineCall {
  readonly name: string;
  readonly span: Span;
}

/** `calls`: the inline calls the statement sits in, outermost first (for traces). */
export type Edge = (
  | { kind: 'step'; stmt: StepStmt; env: Env; next: number }
  | { kind: 'cond'; stmt: Extract<I.Stmt, { kind: 'if' | 'while' }>; env: Env; then: number; else: number }
  | { kind: 'atomic'; stmt: Extract<I.Stmt, { kind: 'atomic' }>; env: Env; next: number }
) & { readonly calls?: readonly InlineCall[] };

export interface CfaNode {
  readonly id: number;
  readonly edges: Edge[];
  readonly labels: string[];
  readonly terminal: boolean;
}

export interface Automaton {
  readonly nodes: CfaNode[]; // numbered breadth-first from the initial node, which is 0
  readonly terminal: number; // the id of the terminated position
}

/** A program point under construction: a node, or an alias of another point. */
class Point {
  node: Draft | undefined;
  alias: Point | undefined;
}

interface Draft {
  edges: DraftEdge[];
  union: Point[]; // an `either`: its edges are the first steps of these points
  labels: string[];
  terminal: boolean;
  id: number;
}

type DraftEdge = (
  | { kind: 'step'; stmt: StepStmt; env: Env; next: Point }
  | { kind: 'cond'; stmt: Extract<I.Stmt, { kind: 'if' | 'while' }>; env: Env; then: Point; else: Point }
  | { kind: 'atomic'; stmt: Extract<I.Stmt, { kind: 'atomic' }>; env: Env; next: Point }
) & { calls?: readonly InlineCall[] };

interface Jumps {
  readonly break?: Point;
  readonly continue?: Point;
  readonly return?: Point;
  readonly calls?: readonly InlineCall[];
}

/** What the memory model decides about steps (src/memory): which barriers are steps, and
 * whether acquire/release are operations of their own. */
export type StepRules = Pick<MemoryModel, 'fenceIsStep' | 'ordersAcquireRelease'>;

/** Sequential consistency: no barrier is a step, acquire/release are plain accesses. */
const SC_RULES: StepRules = { fenceIsStep: () => false, ordersAcquireRelease: false };

/**
 * A barrier that is not a step under the memory model is resolved away here; where
 * acquire/release order nothing, smp_load_acquire and smp_store_release become the plain load
 * and store they are on sc and x86.
 */
export function buildAutomaton(p: I.Process, param: number | undefined, rules: StepRules = SC_RULES): { automaton?: Automaton; diagnostics: Diagnostic[] } {
  const ordered = rules.ordersAcquireRelease;
  const diagnostics: Diagnostic[] = [];
  const at = (node: Draft): Point => Object.assign(new Point(), { node });
  const draft = (): Draft => ({ edges: [], union: [], labels: [], terminal: false, id: -1 });
  const labelled: { name: string; point: Point }[] = [];
  const loops: { head: Point; stmt: I.Stmt }[] = [];

  const resolve = (pt: Point): Draft | undefined => {
    const seen = new Set<Point>();
    let p: Point = pt;
    while (!p.node) {
      if (seen.has(p) || !p.alias) return undefined;
      seen.add(p);
      p = p.alias;
    }
    return p.node;
  };

  const fold = (cond: I.Expr, env: Env): boolean => {
    try {
      return evalConst(cond, param, [...env] as number[]) !== 0;
    } catch (e) {
      if (!(e instanceof ConstDivisionByZero)) throw e;
      diagnostics.push(diag('division', 'division by zero in a condition decided at compile time', cond.span));
      return false;
    }
  };

  const lowerList = (stmts: I.Stmt[], k: Point, env: Env, jumps: Jumps): Point => {
    let pt = k;
    for (let i = stmts.length - 1; i >= 0; i--) {
      const s = stmts[i];
      if (s.kind === 'label') labelled.push({ name: s.name, point: pt });
      else pt = lower(s, pt, env, jumps);
    }
    return pt;
  };

  const via = (jumps: Jumps) => (jumps.calls?.length ? { calls: jumps.calls } : {});

  const lower = (s: I.Stmt, k: Point, env: Env, jumps: Jumps): Point => {
    switch (s.kind) {
      case 'op': {
        if (!ordered && s.op === 'smp_load_acquire') {
          if (!s.result) return k; // a load whose value is dropped changes nothing
          return lower({ kind: 'assign', target: s.result, value: s.location, span: s.span }, k, env, jumps);
        }
        if (!ordered && s.op === 'smp_store_release') return lower({ kind: 'assign', target: s.location, value: s.args[0], span: s.span }, k, env, jumps);
        const n = draft();
        n.edges.push({ kind: 'step', stmt: s, env, next: k, ...via(jumps) });
        return at(n);
      }
      case 'assign':
      case 'any':
      case 'await':
      case 'assert':
      case 'skip': {
        const n = draft();
        n.edges.push({ kind: 'step', stmt: s, env, next: k, ...via(jumps) });
        return at(n);
      }
      case 'atomic': {
        const n = draft();
        n.edges.push({ kind: 'atomic', stmt: s, env, next: k, ...via(jumps) });
        return at(n);
      }
      case 'fence': {
        if (!rules.fenceIsStep(s.fence)) return k;
        const n = draft();
        n.edges.push({ kind: 'step', stmt: s, env, next: k, ...via(jumps) });
        return at(n);
      }
      case 'label':
        return k;
      case 'if': {
        if (s.foldable) return lowerList(fold(s.cond, env) ? s.then : s.else, k, env, jumps);
        const n = draft();
        n.edges.push({
          kind: 'cond',
          stmt: s,
          env,
          ...via(jumps),
          then: lowerList(s.then, k, env, jumps),
          else: lowerList(s.else, k, env, jumps),
        });
        return at(n);
      }
      case 'while': {
        if (s.foldable && !fold(s.cond, env)) return k;
        if (s.foldable) return lowerLoop(s, s.body, k, env, jumps);
        const n = draft();
        const head = at(n);
        const body = lowerList(s.body, head, env, { ...jumps, break: k, continue: head });
        n.edges.push({ kind: 'cond', stmt: s, env, then: body, else: k, ...via(jumps) });
        return head;
      }
      case 'loop':
        return lowerLoop(s, s.body, k, env, jumps);
      case 'for': {
        const values = I.typeValues(s.over);
        let pt = k;
        for (let i = values.length - 1; i >= 0; i--) {
          const inner = [...env];
          inner[s.slot] = values[i];
          pt = lowerList(s.body, pt, inner, { ...jumps, break: k, continue: pt });
        }
        return pt;
      }
      case 'either': {
        const n = draft();
        n.union = s.branches.map((b) => lowerList(b, k, env, jumps));
        return at(n);
      }
      case 'break':
        return jumps.break!;
      case 'continue':
        return jumps.continue!;
      case 'return':
        return jumps.return!;
      case 'inline':
        return lowerList(s.body, k, env, { ...jumps, return: k, calls: [...(jumps.calls ?? []), { name: s.name, span: s.span }] });
      default:
        return I.assertNeverStmt(s);
    }
  };

  const lowerLoop = (s: I.Stmt, body: I.Stmt[], k: Point, env: Env, jumps: Jumps): Point => {
    const head = new Point();
    head.alias = lowerList(body, head, env, { ...jumps, break: k, continue: head });
    loops.push({ head, stmt: s });
    return head;
  };

  const terminal = draft();
  terminal.terminal = true;
  const start = lowerList(p.body, at(terminal), [], {});

  for (const { head, stmt } of loops) {
    if (!resolve(head)) diagnostics.push(diag('no-step', 'this loop can never take a step: its body has no statement that is a step', stmt.span));
  }
  if (diagnostics.length) return { diagnostics };

  // An `either` node's edges are its branches' first steps, found once every point is known.
  const expanding = new Set<Draft>();
  const firstEdges = (d: Draft): DraftEdge[] => {
    if (d.union.length === 0) return d.edges;
    if (expanding.has(d)) return []; // a branch that loops straight back adds no step
    expanding.add(d);
    const out: DraftEdge[] = [];
    for (const b of d.union) {
      const t = resolve(b);
      if (t && !t.terminal) out.push(...firstEdges(t));
    }
    expanding.delete(d);
    return out;
  };

  // Number the reachable nodes breadth-first from the start.
  const order: Draft[] = [];
  const visit = (d: Draft): void => {
    if (d.id >= 0) return;
    d.id = order.length;
    order.push(d);
  };
  visit(resolve(start)!);
  for (let i = 0; i < order.length; i++) {
    const d = order[i];
    if (d.union.length) d.edges = firstEdges(d);
    for (const e of d.edges) {
      if (e.kind === 'cond') {
        visit(resolve(e.then)!);
        visit(resolve(e.else)!);
      } else visit(resolve(e.next)!);
    }
  }
  visit(terminal);
  for (const { name, point } of labelled) {
    const d = resolve(point);
    if (d && d.id >= 0 && !d.labels.includes(name)) d.labels.push(name);
  }
  const id = (pt: Point): number => resolve(pt)!.id;
  const nodes: CfaNode[] = order.map((d) => ({
    id: d.id,
    labels: d.labels,
    terminal: d.terminal,
    edges: d.edges.map((e): Edge => {
      switch (e.kind) {
        case 'cond':
          return { kind: 'cond', stmt: e.stmt, env: e.env, then: id(e.then), else: id(e.else), ...(e.calls ? { calls: e.calls } : {}) };
        case 'step':
          return { kind: 'step', stmt: e.stmt, env: e.env, next: id(e.next), ...(e.calls ? { calls: e.calls } : {}) };
        case 'atomic':
          return { kind: 'atomic', stmt: e.stmt, env: e.env, next: id(e.next), ...(e.calls ? { calls: e.calls } : {}) };
      }
    }),
  }));
  return { automaton: { nodes, terminal: terminal.id }, diagnostics };
}
