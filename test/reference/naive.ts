// A deliberately naive reference explorer for differential testing of the real engine.
//
// It interprets the checked IR directly: no code generation, no automata, no hashing.
// A state is a plain JS value { g, i } (globals, and per instance [position, locals]) and
// is deduplicated exactly by its JSON text. The search is breadth-first, level by level.
//
// A position is a stack of frames [listId, index] (or [listId, index, forValue] for the
// body of a `for`), outermost first, naming the statement about to run in each enclosing
// statement list; `null` is the terminated position. After every step the position is
// normalised: control advances through everything that is not a step (labels, fences,
// break/continue/return, loop back-jumps, folded conditions, entering blocks, `for`
// mechanics) until it stands at a step, an `either`, or the end of the process. So two
// ways of reaching the same program point give the same position.
//
// Under `memory: 'tso'` every instance also has a FIFO store buffer: a plain array of
// entries { path, value }, oldest first, where `path` is [global index, element
// positions...] naming one scalar slot of a shared (non-ghost) global. A process read of a
// shared global takes the global's memory value with the instance's own buffer entries for
// it applied oldest to newest (so the newest entry per slot wins: forwarding). Plain stores
// to shared locations append to the buffer; RMW ops, atomic blocks, smp_mb() and dsb() need
// an empty buffer and then act on memory directly; drain steps move the oldest entry of a
// buffer to memory. Invariants read memory.
//
// Under `memory: 'arm'` (docs/memory-models.md, "--memory arm (Armv8)", read as literally as
// possible; the choices where it is not explicit are listed as A1.. in the arm section) `g`
// holds the current message of every shared location, `m` the timestamp of each shared
// scalar slot's current message and its older messages, each instance's buffer holds its
// pending stores (with view, barrier-after and release flags) and its fourth element its
// views (coh per shared scalar slot, vrOld, vwOld, vrNew, vCAP, vRel, one per scalar of every
// local). Process steps are interpreted by a second evaluator that carries views and may
// fork at every load; commit steps come after all process steps; the normal form (drop
// unreadable older messages, keep at most K, renumber timestamps densely) runs after every
// step, so states are compared by their normalised JSON.
import * as I from '../../src/check/ir.ts';
import { where } from '../../src/parse/source.ts';

export interface NaiveViolation {
  kind: 'invariant' | 'assert' | 'deadlock' | 'range' | 'division';
  property: string;
  depth: number;
}

export interface NaiveResult {
  states: number;
  maxDepth: number;
  verdict: 'pass' | 'violation';
  violation: null | NaiveViolation;
}

export interface NaiveOptions {
  deadlock?: boolean;
  /** Throw when more distinct states than this are found (default 2,000,000). */
  maxStates?: number;
  /** The memory model (default 'sc'). */
  memory?: 'sc' | 'tso' | 'arm';
  /**
   * Under 'tso': the number of entries of each store buffer; under 'arm': the bound on
   * pending stores per process and on older messages per location (default 2, at least 1).
   */
  storeBuffer?: number;
}

// ---- representation ---------------------------------------------------------------------

type Frame = number[]; // [listId, index] or [listId, index, forValue]
type Pos = Frame[] | null;
/**
 * A store-buffer entry: one scalar slot of a shared global ([global, element positions...]).
 * Under arm a pending store also has its view, its barrier-after flag and its release flag.
 */
interface Entry {
  path: number[];
  value: number;
  view?: number;
  bar?: boolean;
  rel?: boolean;
  /** An exclusive store: the write of a relaxed, acquire or release RMW (docs/memory-models.md, O3). */
  ex?: boolean;
}
/** A view: a timestamp; for a whole array or struct one per scalar (a number: all alike). */
type View = number | View[];
/** Under arm, per shared scalar slot: [current message's timestamp, older messages [value, ts] oldest first]. */
type Msgs = [number, [number, number][]];
/** Under arm, the views of an instance. */
interface Thread {
  coh: number[]; // per shared scalar slot
  vrOld: number;
  vwOld: number;
  vrNew: number;
  vCAP: number;
  vRel: number;
  lv: View[]; // per local, the shape of the local (fully expanded)
}
/**
 * Per instance: position, locals, store buffer (oldest first; always [] under sc), and under
 * arm its views. Under arm `g` holds the current message of every shared location and `m`
 * the timestamps and the older messages.
 */
interface State {
  g: I.Value[];
  m?: Msgs[];
  i: [Pos, I.Value[], Entry[], Thread?][];
}

type Owner = 'body' | 'then' | 'else' | 'branch' | 'loop' | 'while' | 'for' | 'inline' | 'atomic';
interface ListInfo {
  stmts: I.Stmt[];
  owner: Owner;
  forStmt?: Extract<I.Stmt, { kind: 'for' }>;
}

interface Instance {
  proc: number;
  def: I.Process;
  param: number | null;
  bodyList: number;
  labels: Map<string, Set<string>>; // position JSON -> labels carried there
}

type Fork = { st: State; fr: Frame[] } | { violation: Violation };
type Outcome = { kind: 'state'; st: State } | { kind: 'violation'; vk: NaiveViolation['kind']; property: string };

/** A property failure raised while evaluating or storing. */
class Violation extends Error {
  constructor(
    readonly vk: 'range' | 'division' | 'assert',
    readonly property: string,
  ) {
    super(`${vk}: ${property}`);
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fix0 = (n: number): number => (n === 0 ? 0 : n); // no -0 in states
const ATOMIC_LIMIT = 100_000;

// ---- the explorer --------------------------------------------------------------------------

export function naiveExplore(model: I.CheckedModel, opts: NaiveOptions = {}): NaiveResult {
  return new Naive(model, opts).explore(opts);
}

/**
 * naiveExplore, also giving every state the search found (each as its key, the JSON text
 * described in the header), in the order found: for naive-symmetry.ts.
 */
export function naiveExploreStates(model: I.CheckedModel, opts: NaiveOptions = {}): { result: NaiveResult; states: string[] } {
  const seen = new Set<string>();
  const result = new Naive(model, opts).explore(opts, seen);
  return { result, states: [...seen] };
}

/** The transition relation on state keys, one state at a time (for tests of its properties). */
export interface NaiveStepper {
  readonly initial: string;
  /** Every successor in successor order: a state key, or a failing step as "kind: property". */
  successors(key: string): ({ state: string } | { violation: string })[];
  /** The first false invariant (or failing evaluation) in the state, as "kind: property"; null when none. */
  broken(key: string): string | null;
  deadlocked(key: string): boolean;
}

export function naiveStepper(model: I.CheckedModel, opts: NaiveOptions = {}): NaiveStepper {
  const nv = new Naive(model, opts);
  return {
    initial: nv.key(nv.initial()),
    successors: (kk) => nv.successors(nv.unkey(kk)).map((o) => (o.kind === 'state' ? { state: nv.key(o.st) } : { violation: `${o.vk}: ${o.property}` })),
    broken: (kk) => {
      const b = nv.brokenInvariant(nv.unkey(kk));
      return b && `${b.vk}: ${b.property}`;
    },
    deadlocked: (kk) => {
      const st = nv.unkey(kk);
      return nv.successors(st).length === 0 && nv.deadlocked(st);
    },
  };
}

/** A unit whose steps weak fairness may constrain: an instance's own steps, or its drains/commits. */
export interface NaiveUnit {
  /** The instance, `p` or `p[v]`. */
  readonly instance: string;
  readonly process: I.Process;
  /** True for the drains (tso) or commits (arm) of the instance, false for its own steps. */
  readonly memory: boolean;
}

/** The whole reachable graph, for the liveness reference (naive-liveness.ts). */
export interface NaiveGraph {
  /** Every reachable state, as its JSON text, in breadth-first discovery order; 0 is the initial state. */
  readonly states: readonly string[];
  /** Per state, every successor in successor order, with the unit taking that step (parallel edges kept). */
  readonly edges: readonly (readonly { readonly target: number; readonly unit: number }[])[];
  /** Units 0..n-1: the instances' own steps; n..2n-1: the same instances' drains or commits. */
  readonly units: readonly NaiveUnit[];
  /** Evaluates a closed expression (as an invariant is evaluated: memory, not buffers) in a state. */
  evaluate(e: I.Expr, state: number): I.Value;
}

/**
 * Builds the reachable graph. A step that would fail (an assert, a range, a division) makes
 * this throw: call it on a model whose safety search passed.
 */
export function naiveGraph(model: I.CheckedModel, opts: NaiveOptions = {}): NaiveGraph {
  const nv = new Naive(model, opts);
  const maxStates = opts.maxStates ?? 2_000_000;
  const states: string[] = [];
  const index = new Map<string, number>();
  const edges: { target: number; unit: number }[][] = [];
  const add = (kk: string): number => {
    let i = index.get(kk);
    if (i === undefined) {
      i = states.length;
      if (i >= maxStates) throw new Error(`more than ${maxStates} states`);
      index.set(kk, i);
      states.push(kk);
    }
    return i;
  };
  add(nv.key(nv.initial()));
  for (let s = 0; s < states.length; s++) {
    const out: { target: number; unit: number }[] = [];
    for (const { unit, out: o } of nv.unitSuccessors(nv.unkey(states[s]))) {
      if (o.kind === 'violation') throw new Error(`naiveGraph: a step fails (${o.vk}: ${o.property}); check safety first`);
      out.push({ target: add(nv.key(o.st)), unit });
    }
    edges.push(out);
  }
  const names = nv.instances.map((inst) => {
    const p = inst.def;
    return p.param && inst.param !== null ? `${p.name}[${I.showValue(p.param.type, inst.param)}]` : p.name;
  });
  const units: NaiveUnit[] = [
    ...nv.instances.map((inst, k) => ({ instance: names[k], process: inst.def, memory: false })),
    ...nv.instances.map((inst, k) => ({ instance: names[k], process: inst.def, memory: true })),
  ];
  const evaluate = (e: I.Expr, state: number): I.Value => {
    try {
      return nv.eval(e, { st: nv.unkey(states[state]), k: -1, bound: [], direct: true });
    } catch (err) {
      if (err instanceof Violation) throw new Error(`naiveGraph: evaluation fails in state ${state} (${err.vk}: ${err.property})`);
      throw err;
    }
  };
  return { states, edges, units, evaluate };
}

const RMW_OPS: ReadonlySet<I.OpName> = new Set<I.OpName>([
  'xchg',
  'cmpxchg',
  'fetch_add',
  'fetch_sub',
  'set_bit',
  'clear_bit',
  'test_and_set_bit',
  'test_and_clear_bit',
  'try_cmpxchg',
  'add_return',
  'sub_return',
  'add_unless',
]);

/** The read-modify-writes of the arm model (set_bit and clear_bit are plain stores there). */
const ARM_RMW: ReadonlySet<I.OpName> = new Set<I.OpName>([
  'xchg',
  'cmpxchg',
  'fetch_add',
  'fetch_sub',
  'test_and_set_bit',
  'test_and_clear_bit',
  'try_cmpxchg',
  'add_return',
  'sub_return',
  'add_unless',
]);

/** The comparing RMWs: they may fail (docs/memory-models.md, O2). */
const isCas = (op: I.OpName): boolean => op === 'cmpxchg' || op === 'try_cmpxchg' || op === 'add_unless';

/** Whether a comparing RMW stores: cmpxchg when the value is the expected one, add_unless when it is not u. */
function casStores(op: I.OpName, old: number, args: number[]): boolean {
  return op === 'add_unless' ? old !== args[1] : old === args[0];
}

/** The barriers that are smp_mb() under arm (they wait for an empty buffer). */
const FULL_FENCES: ReadonlySet<I.FenceName> = new Set<I.FenceName>([
  'smp_mb',
  'dsb',
  'smp_mb__before_atomic',
  'smp_mb__after_atomic',
  'smp_mb__after_spinlock',
]);

/** What an RMW returns, from the old value and the value it stores. */
function rmwResult(op: I.OpName, old: number, nv: number, args: number[]): number {
  if (op === 'try_cmpxchg') return old === args[0] ? 1 : 0;
  if (op === 'add_unless') return old !== args[1] ? 1 : 0;
  if (op === 'add_return' || op === 'sub_return') return nv;
  return old;
}

/** The value an op stores (a failed cmpxchg: the old value). */
function rmwValue(op: I.OpName, old: number, args: number[]): number {
  switch (op) {
    case 'WRITE_ONCE':
    case 'xchg':
      return args[0];
    case 'cmpxchg':
    case 'try_cmpxchg':
      return old === args[0] ? args[1] : old;
    case 'add_unless':
      return old !== args[1] ? old + args[0] : old;
    case 'fetch_add':
    case 'add_return':
      return old + args[0];
    case 'fetch_sub':
    case 'sub_return':
      return old - args[0];
    case 'set_bit':
    case 'test_and_set_bit':
      return 1;
    case 'clear_bit':
    case 'test_and_clear_bit':
      return 0;
    case 'smp_load_acquire':
    case 'smp_store_release':
      throw new Error(`internal: ${op} is not a read-modify-write`);
  }
}

/** A binary operator other than &&, || and =>, on evaluated operands. */
function binop(op: string, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return fix0(l * r);
    case '/':
      if (r === 0) throw new Violation('division', 'division by zero');
      return fix0(Math.trunc(l / r));
    case '%':
      if (r === 0) throw new Violation('division', 'modulo by zero');
      return fix0(l % r);
    case '==':
      return l === r ? 1 : 0;
    case '!=':
      return l !== r ? 1 : 0;
    case '<':
      return l < r ? 1 : 0;
    case '<=':
      return l <= r ? 1 : 0;
    case '>':
      return l > r ? 1 : 0;
    case '>=':
      return l >= r ? 1 : 0;
  }
  throw new Error(`internal: operator ${op}`);
}

/** The scalars of a value of type t, in element order, with their paths (below `path`). */
function scalarsOf(t: I.Type, v: I.Value, path: number[] = []): Entry[] {
  if (I.isScalar(t)) return [{ path, value: v as number }];
  if (t.kind === 'array') return (v as I.Value[]).flatMap((x, i) => scalarsOf(t.elem, x, [...path, i]));
  return t.fields.flatMap((f, i) => scalarsOf(f.type, (v as I.Value[])[i], [...path, i]));
}

/** Overwrite the value at `path` (non-empty) inside the container `c`. */
function setAt<T>(c: T[], path: number[], value: T): void {
  let x = c;
  for (const p of path.slice(0, -1)) x = x[p] as T[];
  x[path[path.length - 1]] = value;
}

/** The value at `path` inside the container `c` (a number view stands for all its scalars). */
function getAt<T>(c: T[], path: number[]): T {
  let x: T | T[] = c;
  for (const p of path) {
    if (typeof x === 'number') return x;
    x = (x as T[])[p];
  }
  return x as T;
}

/** The scalar type at `path` (element positions) inside type t. */
function scalarTypeAt(t: I.Type, path: number[]): I.ScalarType {
  let x = t;
  for (const p of path) x = x.kind === 'array' ? x.elem : (x as Extract<I.Type, { kind: 'struct' }>).fields[p].type;
  if (!I.isScalar(x)) throw new Error('internal: not a scalar slot');
  return x;
}

/** A view in the full shape of type t (a number is spread over every scalar). */
function fillView(t: I.Type, v: View): View {
  if (I.isScalar(t)) {
    if (typeof v !== 'number') throw new Error('internal: a view tree for a scalar');
    return v;
  }
  const n = t.kind === 'array' ? I.typeSize(t.index) : t.fields.length;
  const out: View[] = [];
  for (let i = 0; i < n; i++) {
    const et = t.kind === 'array' ? t.elem : t.fields[i].type;
    out.push(fillView(et, typeof v === 'number' ? v : v[i]));
  }
  return out;
}

/** v ⊔ w on every scalar of v. */
function raise(v: View, w: number): View {
  return typeof v === 'number' ? Math.max(v, w) : v.map((x) => raise(x, w));
}

/** Apply f to every scalar of a view. */
function mapView(v: View, f: (n: number) => number): View {
  return typeof v === 'number' ? f(v) : v.map((x) => mapView(x, f));
}

class Naive {
  readonly lists: ListInfo[] = [];
  readonly listIds = new Map<I.Stmt[], number>();
  readonly instances: Instance[] = [];
  readonly instancesOf: number[][] = []; // process -> instance indices, by parameter value order
  readonly tso: boolean;
  readonly arm: boolean;
  readonly bufferSize: number;
  /** Under arm: every scalar slot of a shared global, and its index by path. */
  readonly slots: { path: number[]; type: I.ScalarType }[] = [];
  readonly slotIndex = new Map<string, number>();
  private readonly orderedCache = new Map<I.Stmt, boolean>();
  private readonly ghostCache = new Map<I.Stmt, boolean>();

  constructor(
    readonly model: I.CheckedModel,
    opts: NaiveOptions = {},
  ) {
    const memory = opts.memory ?? 'sc';
    if (memory !== 'sc' && memory !== 'tso' && memory !== 'arm') throw new Error(`unknown memory model ${String(memory)}`);
    this.tso = memory === 'tso';
    this.arm = memory === 'arm';
    this.bufferSize = opts.storeBuffer ?? 2;
    if (!Number.isInteger(this.bufferSize) || this.bufferSize < 1) throw new Error(`store buffer size ${this.bufferSize} is not an integer >= 1`);
    model.processes.forEach((p, pi) => {
      const bodyList = this.register(p.body, 'body');
      this.instancesOf.push([]);
      const params: (number | null)[] = p.param ? I.typeValues(p.param.type) : [null];
      for (const param of params) {
        this.instancesOf[pi].push(this.instances.length);
        this.instances.push({ proc: pi, def: p, param, bodyList, labels: new Map() });
      }
    });
    this.instances.forEach((_, k) => this.collectLabels(k));
    if (this.arm) {
      model.globals.forEach((g, gi) => {
        if (g.ghost) return;
        for (const en of scalarsOf(g.type, g.init, [gi])) {
          this.slotIndex.set(en.path.join(','), this.slots.length);
          this.slots.push({ path: en.path, type: scalarTypeAt(g.type, en.path.slice(1)) });
        }
      });
      for (const p of model.processes) this.checkArmWhole(p.body);
    }
  }

  private register(stmts: I.Stmt[], owner: Owner, forStmt?: Extract<I.Stmt, { kind: 'for' }>): number {
    const known = this.listIds.get(stmts);
    if (known !== undefined) return known;
    const id = this.lists.length;
    this.lists.push({ stmts, owner, forStmt });
    this.listIds.set(stmts, id);
    for (const s of stmts) {
      switch (s.kind) {
        case 'if':
          this.register(s.then, 'then');
          this.register(s.else, 'else');
          break;
        case 'while':
          this.register(s.body, 'while');
          break;
        case 'loop':
          this.register(s.body, 'loop');
          break;
        case 'for':
          this.register(s.body, 'for', s);
          break;
        case 'either':
          s.branches.forEach((b) => this.register(b, 'branch'));
          break;
        case 'atomic':
          this.register(s.body, 'atomic');
          break;
        case 'inline':
          this.register(s.body, 'inline');
          break;
        default:
          break;
      }
    }
    return id;
  }

  private id(stmts: I.Stmt[]): number {
    const id = this.listIds.get(stmts);
    if (id === undefined) throw new Error('internal: unregistered statement list');
    return id;
  }

  // ---- positions --------------------------------------------------------------------------

  private stmtAt(fr: Frame[]): I.Stmt {
    const top = fr[fr.length - 1];
    return this.lists[top[0]].stmts[top[1]];
  }

  /** Leave the innermost list, which has run to its end. */
  private endOfList(fr: Frame[]): void {
    const top = fr.pop()!;
    const info = this.lists[top[0]];
    const parent = fr[fr.length - 1];
    switch (info.owner) {
      case 'body':
        return; // the stack is now empty: terminated
      case 'loop':
        fr.push([top[0], 0]);
        return;
      case 'while':
        return; // the parent stays at the `while`, which is evaluated again
      case 'for': {
        const values = I.typeValues(info.forStmt!.over);
        const i = values.indexOf(top[2]);
        if (i + 1 < values.length) fr.push([top[0], 0, values[i + 1]]);
        else parent[1]++;
        return;
      }
      default: // then, else, branch, inline, atomic
        parent[1]++;
    }
  }

  private isLoopList(id: number): boolean {
    const o = this.lists[id].owner;
    return o === 'loop' || o === 'while' || o === 'for';
  }

  private jump(fr: Frame[], s: I.Stmt): void {
    if (s.kind === 'break') {
      for (;;) {
        const f = fr.pop();
        if (!f) throw new Error('internal: break outside a loop');
        if (this.isLoopList(f[0])) break;
      }
      fr[fr.length - 1][1]++;
    } else if (s.kind === 'continue') {
      while (!this.isLoopList(fr[fr.length - 1][0])) {
        fr.pop();
        if (!fr.length) throw new Error('internal: continue outside a loop');
      }
      const top = fr[fr.length - 1];
      top[1] = this.lists[top[0]].stmts.length; // the end of the body does the rest
    } else if (s.kind === 'return') {
      for (;;) {
        const f = fr.pop();
        if (!f) throw new Error('internal: return outside an inline');
        if (this.lists[f[0]].owner === 'inline') break;
      }
      fr[fr.length - 1][1]++;
    }
  }

  /** A foldable condition: constants, the instance parameter and its own quantifiers only. */
  private fold(k: number, cond: I.Expr): boolean {
    return this.eval(cond, { st: null, k, bound: [], direct: true }) !== 0;
  }

  /** Advance through everything that is not a step. Returns a new position. */
  normalise(k: number, framesIn: Frame[]): Pos {
    const fr = clone(framesIn);
    for (let guard = 0; ; guard++) {
      if (guard > 1_000_000) throw new Error('a loop whose body never reaches a step');
      if (!fr.length) return null;
      const top = fr[fr.length - 1];
      const info = this.lists[top[0]];
      if (top[1] >= info.stmts.length) {
        this.endOfList(fr);
        continue;
      }
      const s = info.stmts[top[1]];
      switch (s.kind) {
        case 'fence':
          if (this.fenceIsStep(s)) return fr; // under tso: waits for an empty store buffer
          top[1]++;
          continue;
        case 'label':
          top[1]++;
          continue;
        case 'op':
          // Under sc and tso a dropped smp_load_acquire is no step at all.
          if (s.op === 'smp_load_acquire' && s.result === null && !this.arm) {
            top[1]++;
            continue;
          }
          return fr;
        case 'break':
        case 'continue':
        case 'return':
          this.jump(fr, s);
          continue;
        case 'if':
          if (!s.foldable) return fr;
          fr.push([this.id(this.fold(k, s.cond) ? s.then : s.else), 0]);
          continue;
        case 'while':
          if (!s.foldable) return fr;
          if (this.fold(k, s.cond)) fr.push([this.id(s.body), 0]);
          else top[1]++;
          continue;
        case 'loop':
        case 'inline':
          fr.push([this.id(s.body), 0]);
          continue;
        case 'for':
          fr.push([this.id(s.body), 0, I.typeValues(s.over)[0]]);
          continue;
        default:
          return fr; // a step, an either or an atomic block
      }
    }
  }

  /**
   * Under tso smp_mb() and dsb() (outside atomic blocks) are steps; under arm every fence
   * is; under sc none is.
   */
  private fenceIsStep(s: Extract<I.Stmt, { kind: 'fence' }>): boolean {
    return this.arm || (this.tso && (s.fence === 'smp_mb' || s.fence === 'dsb'));
  }

  /**
   * Labels: a label names the program point of the statement after it, i.e. the position
   * obtained by normalising from the label. Every label occurrence is enumerated (for every
   * value of enclosing `for` variables; only the live branch of folded conditions; never
   * inside atomic blocks), normalised, and recorded against the resulting position.
   */
  private collectLabels(k: number): void {
    const inst = this.instances[k];
    const walk = (listId: number, outer: Frame[], forValue: number | undefined): void => {
      const stmts = this.lists[listId].stmts;
      stmts.forEach((s, idx) => {
        const here = [...outer, forValue === undefined ? [listId, idx] : [listId, idx, forValue]];
        switch (s.kind) {
          case 'label': {
            const key = JSON.stringify(this.normalise(k, here));
            if (!inst.labels.has(key)) inst.labels.set(key, new Set());
            inst.labels.get(key)!.add(s.name);
            break;
          }
          case 'if':
            if (!s.foldable || this.fold(k, s.cond)) walk(this.id(s.then), here, undefined);
            if (!s.foldable || !this.fold(k, s.cond)) walk(this.id(s.else), here, undefined);
            break;
          case 'while':
            if (!s.foldable || this.fold(k, s.cond)) walk(this.id(s.body), here, undefined);
            break;
          case 'loop':
          case 'inline':
            walk(this.id(s.body), here, undefined);
            break;
          case 'for':
            for (const v of I.typeValues(s.over)) walk(this.id(s.body), here, v);
            break;
          case 'either':
            s.branches.forEach((b) => walk(this.id(b), here, undefined));
            break;
          default:
            break; // atomic blocks: their labels are never a position
        }
      });
    };
    walk(inst.bodyList, [], undefined);
  }

  labelsAt(k: number, pos: Pos): Set<string> | undefined {
    return this.instances[k].labels.get(JSON.stringify(pos));
  }

  // ---- expressions ------------------------------------------------------------------------

  private boundOf(fr: Frame[]): number[] {
    const bound: number[] = [];
    for (const f of fr) {
      const info = this.lists[f[0]];
      if (info.owner === 'for') bound[info.forStmt!.slot] = f[2];
    }
    return bound;
  }

  private indexPos(t: I.ScalarType, v: number, what: string): number {
    const values = I.typeValues(t);
    const i = values.indexOf(v);
    if (i < 0) throw new Violation('range', `${what}: index ${v} outside ${I.showType(t)}`);
    return i;
  }

  private instanceOf(process: number, instance: I.Expr | null, env: Env): number {
    const p = this.model.processes[process];
    if (!p.param || instance === null) return this.instancesOf[process][0];
    const v = this.eval(instance, env) as number;
    return this.instancesOf[process][this.indexPos(p.param.type, v, `${p.name}[${v}]`)];
  }

  eval(e: I.Expr, env: Env): I.Value {
    const num = (x: I.Expr): number => this.eval(x, env) as number;
    switch (e.kind) {
      case 'lit':
        return e.value;
      case 'global':
        return this.readGlobal(e.global, env);
      case 'local':
        return env.st!.i[env.k][1][e.local];
      case 'param': {
        const p = this.instances[env.k].param;
        if (p === null) throw new Error('internal: param of a single process');
        return p;
      }
      case 'bound': {
        const v = env.bound[e.slot];
        if (v === undefined) throw new Error(`internal: bound slot ${e.slot} unset`);
        return v;
      }
      case 'index': {
        const base = this.eval(e.base, env) as I.Value[];
        const t = e.base.type as Extract<I.Type, { kind: 'array' }>;
        return base[this.indexPos(t.index, num(e.index), 'array index')];
      }
      case 'field':
        return (this.eval(e.base, env) as I.Value[])[e.field];
      case 'unary':
        return e.op === '!' ? (num(e.arg) ? 0 : 1) : fix0(-num(e.arg));
      case 'binary': {
        const l = num(e.left);
        switch (e.op) {
          case '&&':
            return l ? (num(e.right) ? 1 : 0) : 0;
          case '||':
            return l ? 1 : num(e.right) ? 1 : 0;
          case '=>':
            return l ? (num(e.right) ? 1 : 0) : 1;
        }
        return binop(e.op, l, num(e.right));
      }
      case 'cond':
        return num(e.test) ? this.eval(e.then, env) : this.eval(e.else, env);
      case 'quant': {
        // Every value is evaluated (no short cut), like the constant evaluator.
        const saved = env.bound[e.slot];
        let acc = e.q === 'forall' ? 1 : 0;
        for (const v of I.typeValues(e.over)) {
          env.bound[e.slot] = v;
          const b = num(e.body);
          if (e.q === 'forall' && !b) acc = 0;
          else if (e.q === 'exists' && b) acc = 1;
          else if (e.q === 'count' && b) acc++;
          else if (e.q === 'sum') acc += b;
        }
        env.bound[e.slot] = saved;
        return acc;
      }
      case 'procLocal':
        return env.st!.i[this.instanceOf(e.process, e.instance, env)][1][e.local];
      case 'procAt': {
        const k = this.instanceOf(e.process, e.instance, env);
        return this.labelsAt(k, env.st!.i[k][0])?.has(e.label) ? 1 : 0;
      }
      case 'procDone':
        return env.st!.i[this.instanceOf(e.process, e.instance, env)][0] === null ? 1 : 0;
    }
  }

  /**
   * A whole global as the running instance sees it. Under tso a process read of a shared
   * global is memory with the instance's own buffer entries for that global applied oldest
   * to newest, so every scalar slot reads its newest buffered value, else memory.
   * Invariants (k = -1), ghost globals and sc read memory.
   */
  private readGlobal(gi: number, env: Env): I.Value {
    const mem = env.st!.g[gi];
    if (!this.tso || env.k < 0 || this.model.globals[gi].ghost) return mem;
    const mine = env.st!.i[env.k][2].filter((en) => en.path[0] === gi);
    if (!mine.length) return mem;
    const box = [clone(mem)];
    for (const en of mine) setAt(box, [0, ...en.path.slice(1)], en.value);
    return box[0];
  }

  // ---- stores --------------------------------------------------------------------------

  /** Whether an lvalue is rooted at a shared (non-ghost) global. */
  private sharedRoot(e: I.Expr): boolean {
    if (e.kind === 'index' || e.kind === 'field') return this.sharedRoot(e.base);
    return e.kind === 'global' && !this.model.globals[e.global].ghost;
  }

  /** Whether a store to `target` goes to the store buffer. */
  private buffered(target: I.Expr, direct: boolean): boolean {
    return this.tso && !direct && this.sharedRoot(target);
  }

  /** Whether instance k's buffer has room for a (buffered) store to `target`: one entry per scalar. */
  private roomFor(st: State, k: number, target: I.Expr): boolean {
    return st.i[k][2].length + scalarsOf(target.type, I.defaultValue(target.type)).length <= this.bufferSize;
  }

  /** The path of a global-rooted lvalue, evaluating and checking indices like `lvalue`. */
  private lpath(e: I.Expr, env: Env): number[] {
    switch (e.kind) {
      case 'global':
        return [e.global];
      case 'index': {
        const b = this.lpath(e.base, env);
        const t = e.base.type as Extract<I.Type, { kind: 'array' }>;
        return [...b, this.indexPos(t.index, this.eval(e.index, env) as number, 'array index')];
      }
      case 'field':
        return [...this.lpath(e.base, env), e.field];
      default:
        throw new Error(`internal: not a global lvalue: ${e.kind}`);
    }
  }

  /** Resolve an lvalue to a container and key (evaluating and checking its indices). */
  private lvalue(e: I.Expr, env: Env): { c: I.Value[]; key: number } {
    switch (e.kind) {
      case 'global':
        return { c: env.st!.g, key: e.global };
      case 'local':
        return { c: env.st!.i[env.k][1], key: e.local };
      case 'index': {
        const b = this.lvalue(e.base, env);
        const t = e.base.type as Extract<I.Type, { kind: 'array' }>;
        const i = this.indexPos(t.index, this.eval(e.index, env) as number, 'array index');
        return { c: b.c[b.key] as I.Value[], key: i };
      }
      case 'field': {
        const b = this.lvalue(e.base, env);
        return { c: b.c[b.key] as I.Value[], key: e.field };
      }
      default:
        throw new Error(`internal: not an lvalue: ${e.kind}`);
    }
  }

  private checkValue(t: I.Type, v: I.Value): void {
    switch (t.kind) {
      case 'int':
        if ((v as number) < t.lo || (v as number) > t.hi) throw new Violation('range', `value ${v as number} outside ${I.showType(t)}`);
        return;
      case 'bool':
        if (v !== 0 && v !== 1) throw new Violation('range', `value ${String(v)} is not a bool`);
        return;
      case 'enum':
        if ((v as number) < 0 || (v as number) >= t.members.length) throw new Violation('range', `value ${v as number} outside ${t.name}`);
        return;
      case 'array':
        (v as I.Value[]).forEach((x) => this.checkValue(t.elem, x));
        return;
      case 'struct':
        t.fields.forEach((f, i) => this.checkValue(f.type, (v as I.Value[])[i]));
        return;
    }
  }

  /** target = value: the target's indices are evaluated first, then the value is checked. */
  private store(target: I.Expr, value: () => I.Value, env: Env): void {
    if (this.buffered(target, env.direct)) {
      // Under tso: appended to the running instance's buffer (one entry per scalar, in
      // element order); memory is unchanged. Indices, then the value, then the range check.
      const path = this.lpath(target, env);
      const v = value();
      this.checkValue(target.type, v);
      const buf = env.st!.i[env.k][2];
      for (const en of scalarsOf(target.type, v, path)) buf.push(en);
      if (buf.length > this.bufferSize) throw new Error('internal: store buffer overflow');
      return;
    }
    const lv = this.lvalue(target, env);
    const v = value();
    this.checkValue(target.type, v);
    lv.c[lv.key] = clone(v);
  }

  // ---- steps ---------------------------------------------------------------------------

  /**
   * Run one basic statement (assign, any, op, await, assert, skip) on a working state,
   * returning the resulting working states (several for `any`, none for a false await).
   * The frames are advanced past the statement. Throws Violation on failure.
   */
  private basic(st: State, k: number, fr: Frame[], s: I.Stmt, direct: boolean): Fork[] {
    const env: Env = { st, k, bound: this.boundOf(fr), direct };
    const advance = (): void => {
      fr[fr.length - 1][1]++;
    };
    switch (s.kind) {
      case 'assign':
        this.store(s.target, () => this.eval(s.value, env), env);
        advance();
        return [{ st, fr }];
      case 'any': {
        // One successor per value, in order; a value outside the target is a violation
        // in its place, the other values still give successors.
        const out: Fork[] = [];
        for (const v of I.typeValues(s.over)) {
          const st2 = clone(st);
          const fr2 = clone(fr);
          try {
            this.store(s.target, () => v, { st: st2, k, bound: this.boundOf(fr2), direct });
          } catch (e) {
            if (!(e instanceof Violation)) throw e;
            out.push({ violation: e });
            continue;
          }
          fr2[fr2.length - 1][1]++;
          out.push({ st: st2, fr: fr2 });
        }
        return out;
      }
      case 'op': {
        // Under sc and tso, `r = smp_load_acquire(x)` is the assignment r = x (a plain load,
        // forwarded from the store buffer under tso), a dropped one does nothing (outside
        // atomic blocks it is not even a step), and `smp_store_release(x, v)` is x = v.
        if (s.op === 'smp_load_acquire') {
          const result = s.result;
          if (result) this.store(result, () => this.eval(s.location, env), env);
          advance();
          return [{ st, fr }];
        }
        if (s.op === 'smp_store_release') {
          this.store(s.location, () => this.eval(s.args[0], env), env);
          advance();
          return [{ st, fr }];
        }
        if (s.op === 'WRITE_ONCE' && this.buffered(s.location, direct)) {
          // A plain store (the checker lowers WRITE_ONCE to an assign; this is for safety).
          if (s.result) throw new Error('internal: WRITE_ONCE with a result');
          this.store(s.location, () => this.eval(s.args[0], env), env);
          advance();
          return [{ st, fr }];
        }
        // RMW ops (and everything under sc) read and write memory directly; under tso they
        // run only with an empty buffer, so a shared result target goes to memory too.
        if (RMW_OPS.has(s.op)) env.direct = true;
        const loc = this.lvalue(s.location, env);
        const args = s.args.map((a) => this.eval(a, env) as number);
        const old = loc.c[loc.key] as number;
        // `await try_cmpxchg(...)`: not enabled when the comparison fails.
        if (s.wait && old !== args[0]) return [];
        const nv = rmwValue(s.op, old, args);
        // A failed cmpxchg stores nothing (its new value is not range-checked).
        if (!isCas(s.op) || casStores(s.op, old, args)) {
          this.checkValue(s.location.type, nv);
          loc.c[loc.key] = nv;
        }
        if (s.result) this.store(s.result, () => rmwResult(s.op, old, nv, args), env);
        advance();
        return [{ st, fr }];
      }
      case 'await':
        if (!this.eval(s.cond, env)) return [];
        advance();
        return [{ st, fr }];
      case 'assert':
        if (!this.eval(s.cond, env)) throw new Violation('assert', s.message);
        advance();
        return [{ st, fr }];
      case 'skip':
        advance();
        return [{ st, fr }];
      default:
        throw new Error(`internal: not a basic statement: ${s.kind}`);
    }
  }

  private finish(st: State, k: number, fr: Frame[]): Outcome {
    st.i[k][0] = this.normalise(k, fr);
    if (this.arm) this.armNormalForm(st);
    return { kind: 'state', st };
  }

  private violation(v: unknown): Outcome {
    if (v instanceof Violation) return { kind: 'violation', vk: v.vk, property: v.property };
    throw v;
  }

  /** The outcomes of the steps instance k can take at position fr, in order. */
  private stepsAt(st0: State, k: number, fr0: Frame[], visiting: Set<string>): Outcome[] {
    const s = this.stmtAt(fr0);
    if (this.tso && !this.enabledTso(st0, k, s)) return [];
    if (this.arm && !this.enabledArm(st0, k, s)) return [];
    if (s.kind === 'either') {
      const key = JSON.stringify(fr0);
      if (visiting.has(key)) return []; // a branch that leads back here adds nothing new
      visiting.add(key);
      const out: Outcome[] = [];
      for (const b of s.branches) {
        const pos = this.normalise(k, [...clone(fr0), [this.id(b), 0]]);
        if (pos === null) continue; // runs off the end of the process without a step
        out.push(...this.stepsAt(st0, k, pos, visiting));
      }
      visiting.delete(key);
      return out;
    }
    if (this.arm) return this.enumerate((choose) => this.armStep(st0, k, fr0, s, choose));
    const st = clone(st0);
    const fr = clone(fr0);
    try {
      switch (s.kind) {
        case 'if': {
          const c = this.eval(s.cond, { st, k, bound: this.boundOf(fr), direct: false });
          fr.push([this.id(c ? s.then : s.else), 0]);
          return [this.finish(st, k, fr)];
        }
        case 'while': {
          const c = this.eval(s.cond, { st, k, bound: this.boundOf(fr), direct: false });
          if (c) fr.push([this.id(s.body), 0]);
          else fr[fr.length - 1][1]++;
          return [this.finish(st, k, fr)];
        }
        case 'atomic':
          return this.atomic(st, k, fr, s);
        case 'fence': // a step only under tso (smp_mb, dsb): it just moves on
          fr[fr.length - 1][1]++;
          return [this.finish(st, k, fr)];
        default:
          return this.basic(st, k, fr, s, false).map((r) => ('violation' in r ? this.violation(r.violation) : this.finish(r.st, k, r.fr)));
      }
    } catch (e) {
      return [this.violation(e)];
    }
  }

  /**
   * The tso enabling conditions of the statement instance k stands at, checked before
   * anything is evaluated (so a disabled step raises no violation either): atomic blocks,
   * RMW ops and the fence steps need an empty buffer; a buffered store needs room for all
   * its scalars.
   */
  private enabledTso(st: State, k: number, s: I.Stmt): boolean {
    const count = st.i[k][2].length;
    switch (s.kind) {
      case 'atomic':
      case 'fence':
        return count === 0;
      case 'op':
        if (RMW_OPS.has(s.op)) return count === 0;
        if (s.op === 'smp_load_acquire') return !s.result || !this.buffered(s.result, false) || this.roomFor(st, k, s.result);
        return !this.buffered(s.location, false) || this.roomFor(st, k, s.location);
      case 'assign':
      case 'any':
        return !this.buffered(s.target, false) || this.roomFor(st, k, s.target);
      default:
        return true;
    }
  }

  /** A whole atomic block: a depth-first run of every path through it. */
  private atomic(st0: State, k: number, fr0: Frame[], s: Extract<I.Stmt, { kind: 'atomic' }>): Outcome[] {
    const base = fr0.length;
    const out: Outcome[] = [];
    const go = (st: State, fr: Frame[], count: number): void => {
      for (;;) {
        if (fr.length === base) {
          out.push(this.finish(st, k, fr));
          return;
        }
        const top = fr[fr.length - 1];
        const info = this.lists[top[0]];
        if (top[1] >= info.stmts.length) {
          this.endOfList(fr);
          continue;
        }
        const x = info.stmts[top[1]];
        if (++count > ATOMIC_LIMIT) throw new Error(`atomic block runs more than ${ATOMIC_LIMIT} statements`);
        let forks: Fork[];
        try {
          switch (x.kind) {
            case 'label':
            case 'fence':
              top[1]++;
              continue;
            case 'break':
            case 'continue':
            case 'return':
              this.jump(fr, x);
              continue;
            case 'if': {
              const c = this.eval(x.cond, { st, k, bound: this.boundOf(fr), direct: true });
              fr.push([this.id(c ? x.then : x.else), 0]);
              continue;
            }
            case 'while': {
              const c = this.eval(x.cond, { st, k, bound: this.boundOf(fr), direct: true });
              if (c) fr.push([this.id(x.body), 0]);
              else top[1]++;
              continue;
            }
            case 'loop':
            case 'inline':
            case 'atomic':
              fr.push([this.id(x.body), 0]);
              continue;
            case 'for':
              fr.push([this.id(x.body), 0, I.typeValues(x.over)[0]]);
              continue;
            case 'either':
              forks = x.branches.map((b) => ({ st: clone(st), fr: [...clone(fr), [this.id(b), 0]] }));
              break;
            default:
              forks = this.basic(st, k, fr, x, true); // memory directly (the buffer is empty)
          }
        } catch (e) {
          out.push(this.violation(e));
          return;
        }
        if (forks.length === 1 && !('violation' in forks[0])) {
          st = forks[0].st;
          fr = forks[0].fr;
          continue;
        }
        for (const f of forks) {
          if ('violation' in f) out.push(this.violation(f.violation));
          else go(f.st, f.fr, count);
        }
        return;
      }
    };
    fr0.push([this.id(s.body), 0]);
    go(st0, fr0, 0);
    return out;
  }

  // ---- arm (docs/memory-models.md, "--memory arm (Armv8)") --------------------------------
  //
  // A step under arm may have several successors for one statement (a load may read any of
  // several messages, `any` and atomic `either` fork). Every such choice goes through a
  // `choose(n)` callback and the step is simply re-run once per sequence of choices, in
  // lexicographic order (so the first choice made varies slowest: loads in evaluation order,
  // messages oldest first, `any` values ascending, atomic paths depth-first).
  //
  // Choices where the doc is not explicit (each repeated where it is implemented):
  //  (The doc now says it: a store to a local gives it vd, and for an element of a local
  //  array vd ⊔ va; conditions raise vCAP only in if/while/await steps, never inside atomic
  //  blocks; barriers inside atomic blocks are ignored; a step whose statement mentions a
  //  ghost location ends with vrNew ⊔= the largest timestamp, before the normal form.)
  //  A1 A store to a local place gives every scalar it writes the view vd ⊔ va (va the view
  //     of all the indices on the way, struct fields of array elements included).
  //  A2 Reads of ghost locations, of other processes' locals (p.v, p[i].v) and their elements
  //     have view 0 even when the index has a view: only local arrays add the index's view.
  //  A3 `smp_load_acquire(x);` with its value dropped is a step under arm (an acquire load
  //     whose value is discarded: same enabling, same views, one successor per message).
  //  A4 The result target of an RMW op or of smp_load_acquire is assigned like the target of
  //     an assignment (the op first, then the target's indices): a shared result target is a
  //     plain buffered store (needs room) with view va(target) ⊔ the result's view.
  //  A5 An RMW op on a non-shared location (a local or ghost) is still fully ordered (waits
  //     for an empty buffer; V without a timestamp term; vrOld = vrNew = V; a local location
  //     and the result get view V), but does not change vwOld or any coh (not memory).
  //  A6 set_bit/clear_bit are plain stores (the doc lists them under Store): vd = 0.
  //  A7 Inside an atomic block fences do nothing and conditions do not raise vCAP. An
  //     ordered block (one that mentions a shared location anywhere in its text, folded-away
  //     branches and nested blocks included) changes views only by the block rule at its end
  //     ("every local it assigned": every scalar of a local assigned anywhere on the path
  //     taken gets view V; "read": every shared slot read on the path, index reads included;
  //     "stored": every shared slot stored to on the path, even with its old value; a failed
  //     cmpxchg reads but does not store; vwOld = V when a shared slot was stored). In an
  //     unordered block expressions carry views as in steps and locals assigned get vd ⊔ va;
  //     an op's result and new value carry the largest view of the old value, the location's
  //     indices and the arguments.
  //  A16 Ghost synchronisation: "mentions" is textual, like A7 (for an atomic block its whole
  //     body; for if/while only the condition; for any other step the whole statement:
  //     target, value, location, arguments, result; never a fence), and "the largest
  //     timestamp in memory" is taken after the step's own new messages (RMW, atomic block).
  //  A8 `assert` conditions do not raise vCAP (the Conditions rule lists if, while, await).
  //  A9 Normal form (1) takes the minimum over every process instance, terminated ones
  //     included (the doc defines "may still read" by the formula, from coh and vrNew only).
  //  A10 In an RMW op, vd is the largest view of its arguments (cmpxchg: old and new).
  //  A11 Whole-array/struct loads or stores of a shared location outside atomic blocks are
  //     rejected when the explorer is built, anywhere in a process body (folded-away
  //     branches included), as the engine rejects them at compile time.
  //  A12 smp_load_acquire of a local or ghost location still waits for no pending release
  //     (the enabling rule is about the statement) but is otherwise a plain read: no vRel in
  //     vpre, no vrNew update. smp_store_release to a local or ghost location is a plain
  //     write. A store to a local never raises vCAP (only shared stores and loads do).
  //  A13 Successor order when one step makes several choices: in evaluation order, the
  //     first choice varying slowest (e.g. `r = x + y`: x's messages oldest first, and for
  //     each of them y's messages oldest first; `a[x] = any(T)`: the value, then x).
  //  A14 Every fence is a step under arm (smp_wmb, smp_rmb and isb too, even with an empty
  //     buffer), so a label before a fence names the fence's position, as smp_mb under tso.
  //  O1..O5 Version 2's RMW orderings (docs/memory-models.md, "Ordering of the kernel's
  //     primitives") are implemented in armOp, fullRmw, commits and armAtomic as the doc
  //     states them; pending stores carry `ex` when exclusive. A failed try_cmpxchg's result
  //     is false with the load's view.
  //  A15 An ordered block is ordered even when the path taken reads and stores no shared
  //     location (V is then the largest timestamp in memory); a store of the value already
  //     there still makes a new message (at commit too).

  private thread(st: State, k: number): Thread {
    const th = st.i[k][3];
    if (!th) throw new Error('internal: no views outside arm');
    return th;
  }

  private slotOf(path: number[]): number {
    const s = this.slotIndex.get(path.join(','));
    if (s === undefined) throw new Error(`internal: no shared scalar slot ${path.join(',')}`);
    return s;
  }

  private slotsUnder(path: number[]): number[] {
    const out: number[] = [];
    this.slots.forEach((sl, i) => {
      if (path.every((p, j) => sl.path[j] === p)) out.push(i);
    });
    return out;
  }

  private maxTs(st: State): number {
    return st.m!.reduce((a, [ts]) => Math.max(a, ts), 0);
  }

  /** Run `run` once per sequence of choices, collecting the outcomes (null: path discarded). */
  private enumerate(run: (choose: Choose) => Outcome | null): Outcome[] {
    const out: Outcome[] = [];
    let prefix: number[] = [];
    for (;;) {
      const taken: number[] = [];
      const counts: number[] = [];
      const choose = (n: number): number => {
        if (n < 1) throw new Error('internal: a choice among nothing');
        const c = taken.length < prefix.length ? prefix[taken.length] : 0;
        counts.push(n);
        taken.push(c);
        return c;
      };
      let o: Outcome | null;
      try {
        o = run(choose);
      } catch (e) {
        o = this.violation(e);
      }
      if (o) out.push(o);
      let j = taken.length - 1;
      while (j >= 0 && taken[j] + 1 >= counts[j]) j--;
      if (j < 0) return out;
      prefix = [...taken.slice(0, j), taken[j] + 1];
    }
  }

  /** Whether an atomic block mentions a shared (non-ghost) global anywhere in its body. */
  private orderedBlock(s: Extract<I.Stmt, { kind: 'atomic' }>): boolean {
    return this.mentions(s, false);
  }

  /**
   * Whether a step's statement mentions a ghost (ghost = true) or shared (false) global:
   * for if/while the condition, for an atomic block its body, otherwise the statement.
   */
  private mentions(s: I.Stmt, ghost: boolean): boolean {
    const cache = ghost ? this.ghostCache : this.orderedCache;
    let r = cache.get(s);
    if (r === undefined) {
      if (s.kind === 'if' || s.kind === 'while') r = this.exprMentions(s.cond, ghost);
      else if (s.kind === 'atomic') r = this.stmtsMention(s.body, ghost);
      else r = this.stmtsMention([s], ghost);
      cache.set(s, r);
    }
    return r;
  }

  private exprMentions(e: I.Expr | null, ghost: boolean): boolean {
    if (!e) return false;
    const sub = (x: I.Expr | null): boolean => this.exprMentions(x, ghost);
    switch (e.kind) {
      case 'global':
        return this.model.globals[e.global].ghost === ghost;
      case 'index':
        return sub(e.base) || sub(e.index);
      case 'field':
        return sub(e.base);
      case 'unary':
        return sub(e.arg);
      case 'binary':
        return sub(e.left) || sub(e.right);
      case 'cond':
        return sub(e.test) || sub(e.then) || sub(e.else);
      case 'quant':
        return sub(e.body);
      case 'procLocal':
      case 'procAt':
      case 'procDone':
        return sub(e.instance);
      default:
        return false;
    }
  }

  private stmtsMention(stmts: I.Stmt[], ghost: boolean): boolean {
    const sub = (x: I.Expr | null): boolean => this.exprMentions(x, ghost);
    const list = (l: I.Stmt[]): boolean => this.stmtsMention(l, ghost);
    return stmts.some((s) => {
      switch (s.kind) {
        case 'assign':
          return sub(s.target) || sub(s.value);
        case 'any':
          return sub(s.target);
        case 'op':
          return sub(s.location) || s.args.some((a) => sub(a)) || sub(s.result);
        case 'await':
        case 'assert':
          return sub(s.cond);
        case 'if':
          return sub(s.cond) || list(s.then) || list(s.else);
        case 'while':
          return sub(s.cond) || list(s.body);
        case 'loop':
        case 'for':
        case 'inline':
        case 'atomic':
          return list(s.body);
        case 'either':
          return s.branches.some((b) => list(b));
        default:
          return false;
      }
    });
  }

  /** A11: no whole-array/struct load or store of a shared location outside atomic blocks. */
  private checkArmWhole(stmts: I.Stmt[]): void {
    const fail = (e: I.Expr): never => {
      throw new Error(`under arm a whole array or struct cannot be loaded or stored in one step (${I.showType(e.type)} at ${where(e.span)})`);
    };
    const indices = (e: I.Expr): void => {
      if (e.kind === 'index') {
        indices(e.base);
        expr(e.index);
      } else if (e.kind === 'field') indices(e.base);
      else if (e.kind !== 'global' && e.kind !== 'local') expr(e);
    };
    const target = (e: I.Expr): void => {
      if (this.sharedRoot(e) && !I.isScalar(e.type)) fail(e);
      indices(e);
    };
    const expr = (e: I.Expr | null): void => {
      if (!e) return;
      switch (e.kind) {
        case 'global':
        case 'index':
        case 'field':
          if (this.sharedRoot(e) && !I.isScalar(e.type)) fail(e);
          indices(e);
          return;
        case 'unary':
          return expr(e.arg);
        case 'binary':
          expr(e.left);
          return expr(e.right);
        case 'cond':
          expr(e.test);
          expr(e.then);
          return expr(e.else);
        case 'quant':
          return expr(e.body);
        case 'procLocal':
        case 'procAt':
        case 'procDone':
          return expr(e.instance);
        default:
          return;
      }
    };
    for (const s of stmts) {
      switch (s.kind) {
        case 'assign':
          expr(s.value);
          target(s.target);
          break;
        case 'any':
          target(s.target);
          break;
        case 'op':
          target(s.location);
          s.args.forEach(expr);
          if (s.result) target(s.result);
          break;
        case 'await':
        case 'assert':
          expr(s.cond);
          break;
        case 'if':
          expr(s.cond);
          this.checkArmWhole(s.then);
          this.checkArmWhole(s.else);
          break;
        case 'while':
          expr(s.cond);
          this.checkArmWhole(s.body);
          break;
        case 'loop':
        case 'for':
        case 'inline':
          this.checkArmWhole(s.body);
          break;
        case 'either':
          s.branches.forEach((b) => this.checkArmWhole(b));
          break;
        default:
          break; // atomic blocks may copy whole shared values
      }
    }
  }

  /**
   * The enabling conditions under arm, checked before anything is evaluated: a store to a
   * shared location needs room in the buffer; RMW ops, smp_mb(), dsb() and ordered atomic
   * blocks need an empty buffer; smp_load_acquire needs no pending release store (and room
   * for a shared result target, A4).
   */
  private enabledArm(st: State, k: number, s: I.Stmt): boolean {
    const buf = st.i[k][2];
    const room = buf.length < this.bufferSize;
    switch (s.kind) {
      case 'atomic':
        return !this.orderedBlock(s) || buf.length === 0;
      case 'fence':
        return !FULL_FENCES.has(s.fence) || buf.length === 0;
      case 'op':
        if (ARM_RMW.has(s.op)) {
          const order = s.order ?? 'full';
          const shared = this.sharedRoot(s.location);
          if (!shared) return order !== 'full' || buf.length === 0; // O5 (A5 for the fully ordered)
          if (isCas(s.op)) return order !== 'acquire' || !buf.some((e) => e.rel); // O2: the rest per path
          if (order === 'full') return buf.length === 0; // O1
          return this.o3Ready(buf, order); // O3
        }
        if (s.op === 'smp_load_acquire') return !buf.some((e) => e.rel) && (!s.result || !this.sharedRoot(s.result) || room);
        return !this.sharedRoot(s.location) || room; // WRITE_ONCE, smp_store_release, set_bit, clear_bit
      case 'assign':
      case 'any':
        return !this.sharedRoot(s.target) || room;
      default:
        return true;
    }
  }

  private armEnv(st: State, k: number, fr: Frame[], mode: ArmEnv['mode'], choose: Choose): ArmEnv {
    return { st, k, bound: this.boundOf(fr), mode, choose, read: new Set(), stored: new Set(), assigned: new Set() };
  }

  /** One step of instance k at fr0 for one sequence of choices (null: this path is not enabled). */
  private armStep(st0: State, k: number, fr0: Frame[], s: I.Stmt, choose: Choose): Outcome | null {
    const st = clone(st0);
    const fr = clone(fr0);
    const env = this.armEnv(st, k, fr, 'step', choose);
    const th = this.thread(st, k);
    const end = (): Outcome => {
      if (this.mentions(s, true)) this.ghostSync(st, k);
      return this.finish(st, k, fr);
    };
    switch (s.kind) {
      case 'if': {
        const [c, w] = this.scalar(s.cond, env);
        th.vCAP = Math.max(th.vCAP, w);
        fr.push([this.id(c ? s.then : s.else), 0]);
        return end();
      }
      case 'while': {
        const [c, w] = this.scalar(s.cond, env);
        th.vCAP = Math.max(th.vCAP, w);
        if (c) fr.push([this.id(s.body), 0]);
        else fr[fr.length - 1][1]++;
        return end();
      }
      case 'atomic':
        return this.armAtomic(st, k, fr, s, choose);
      case 'fence': {
        const buf = st.i[k][2];
        switch (s.fence) {
          case 'smp_wmb': // dmb ishst: the barrier-after flag on the newest pending store
            if (buf.length) buf[buf.length - 1].bar = true;
            break;
          case 'smp_rmb': // dmb ishld
            th.vrNew = Math.max(th.vrNew, th.vrOld);
            break;
          case 'smp_mb': // dmb ish, dsb ish: enabled only with an empty buffer
          case 'dsb':
          case 'smp_mb__before_atomic': // smp_mb() on arm64
          case 'smp_mb__after_atomic':
          case 'smp_mb__after_spinlock':
            if (buf.length) throw new Error('internal: a full barrier with pending stores');
            th.vrNew = Math.max(th.vrNew, th.vrOld, th.vwOld);
            break;
          case 'isb':
            th.vrNew = Math.max(th.vrNew, th.vCAP);
            break;
        }
        fr[fr.length - 1][1]++;
        return this.finish(st, k, fr);
      }
      default:
        if (!this.armBasic(env, fr, s)) return null;
        return end();
    }
  }

  /** An atomic block under arm: one path per sequence of choices. */
  private armAtomic(st: State, k: number, fr: Frame[], s: Extract<I.Stmt, { kind: 'atomic' }>, choose: Choose): Outcome | null {
    const ordered = this.orderedBlock(s);
    const env = this.armEnv(st, k, fr, ordered ? 'ordered' : 'plain', choose);
    const th = this.thread(st, k);
    const before = clone(st.g); // the current messages when the block starts
    const base = fr.length;
    fr.push([this.id(s.body), 0]);
    let count = 0;
    for (;;) {
      if (fr.length === base) break;
      const top = fr[fr.length - 1];
      const info = this.lists[top[0]];
      if (top[1] >= info.stmts.length) {
        this.endOfList(fr);
        continue;
      }
      const x = info.stmts[top[1]];
      if (++count > ATOMIC_LIMIT) throw new Error(`atomic block runs more than ${ATOMIC_LIMIT} statements`);
      env.bound = this.boundOf(fr);
      switch (x.kind) {
        case 'label':
        case 'fence': // A7: a fence inside an atomic block does nothing
          top[1]++;
          continue;
        case 'break':
        case 'continue':
        case 'return':
          this.jump(fr, x);
          continue;
        case 'if': {
          const [c] = this.scalar(x.cond, env); // no vCAP inside atomic (A7)
          fr.push([this.id(c ? x.then : x.else), 0]);
          continue;
        }
        case 'while': {
          const [c] = this.scalar(x.cond, env);
          if (c) fr.push([this.id(x.body), 0]);
          else top[1]++;
          continue;
        }
        case 'loop':
        case 'inline':
        case 'atomic':
          fr.push([this.id(x.body), 0]);
          continue;
        case 'for':
          fr.push([this.id(x.body), 0, I.typeValues(x.over)[0]]);
          continue;
        case 'either':
          fr.push([this.id(x.branches[choose(x.branches.length)]), 0]);
          continue;
        default:
          if (!this.armBasic(env, fr, x)) return null; // a failing await discards the path
      }
    }
    if (ordered) {
      // O1: a path that stores to a location another process holds an exclusive store to is not enabled.
      for (const sl of env.stored) if (this.exclusiveElsewhere(st, k, sl)) return null;
      // Every shared slot stored to gets one new current message, all with one timestamp.
      const m = st.m!;
      if (env.stored.size) {
        const ts = this.maxTs(st) + 1;
        for (const sl of [...env.stored].sort((a, b) => a - b)) {
          m[sl][1].push([getAt(before, this.slots[sl].path) as number, m[sl][0]]);
          m[sl][0] = ts;
        }
      }
      const V = this.maxTs(st);
      th.vrOld = th.vrNew = V;
      for (const sl of new Set([...env.read, ...env.stored])) th.coh[sl] = Math.max(th.coh[sl], V);
      if (env.stored.size) th.vwOld = V;
      const locals = this.instances[k].def.locals;
      for (const l of env.assigned) th.lv[l] = fillView(locals[l].type, V);
    }
    if (this.mentions(s, true)) this.ghostSync(st, k);
    return this.finish(st, k, fr);
  }

  /** Ghost synchronisation (A16): the step observes all of memory when it ends. */
  private ghostSync(st: State, k: number): void {
    const th = this.thread(st, k);
    th.vrNew = Math.max(th.vrNew, this.maxTs(st));
  }

  /**
   * A basic statement under arm (assign, any, op, await, assert, skip), in a step or inside
   * an atomic block. Advances the frames. Returns false when an await is false.
   */
  private armBasic(env: ArmEnv, fr: Frame[], s: I.Stmt): boolean {
    const th = this.thread(env.st, env.k);
    switch (s.kind) {
      case 'assign': {
        // The value first, then the target's indices, then the range check.
        const [v, w] = this.aval(s.value, env);
        this.awrite(env, s.target.type, this.apath(s.target, env), v, w, false);
        break;
      }
      case 'any': {
        const values = I.typeValues(s.over);
        const v = values[env.choose(values.length)]; // any() results have view 0
        this.awrite(env, s.target.type, this.apath(s.target, env), v, 0, false);
        break;
      }
      case 'op':
        if (!this.armOp(env, s)) return false;
        break;
      case 'await': {
        const [c, w] = this.scalar(s.cond, env);
        if (!c) return false;
        if (env.mode === 'step') th.vCAP = Math.max(th.vCAP, w); // await steps only (A7)
        break;
      }
      case 'assert': {
        const [c] = this.scalar(s.cond, env); // A8: no vCAP
        if (!c) throw new Violation('assert', s.message);
        break;
      }
      case 'skip':
        break;
      default:
        throw new Error(`internal: not a basic statement: ${s.kind}`);
    }
    fr[fr.length - 1][1]++;
    return true;
  }

  /**
   * An op under arm: the location's indices, then the arguments, then the result target.
   * Returns false when the path is not enabled (O2, O3, O4, `await try_cmpxchg`).
   */
  private armOp(env: ArmEnv, s: Extract<I.Stmt, { kind: 'op' }>): boolean {
    const { st, k } = env;
    const th = this.thread(st, k);
    const op = s.op;
    if (op === 'smp_load_acquire') {
      // In a step: an acquire load (A3 when the result is dropped). Inside atomic: result = x.
      const pl = this.apath(s.location, env);
      const [v, w] = this.readPlace(env, s.location.type, pl, env.mode === 'step');
      if (s.result) this.awrite(env, s.result.type, this.apath(s.result, env), v, w, false); // A4
      return true;
    }
    if (op === 'WRITE_ONCE' || op === 'smp_store_release' || op === 'set_bit' || op === 'clear_bit') {
      // Plain stores (A6); smp_store_release sets the release flag in a step.
      if (s.result) throw new Error(`internal: ${op} with a result`);
      const pl = this.apath(s.location, env);
      const [v, w] = op === 'set_bit' ? [1, 0] : op === 'clear_bit' ? [0, 0] : this.scalar(s.args[0], env);
      this.awrite(env, s.location.type, pl, v, w, op === 'smp_store_release' && env.mode === 'step');
      return true;
    }
    // Read-modify-writes.
    const order = s.order ?? 'full';
    const pl = this.apath(s.location, env);
    const args = s.args.map((a) => this.scalar(a, env));
    const vd = Math.max(0, ...args.map((a) => a[1])); // A10
    const a = args.map((x) => x[0]);
    const shared = pl.root === 'shared';
    if (shared && env.mode === 'plain') throw new Error('internal: a shared RMW in an unordered block');
    const slot = shared ? this.slotOf(pl.path) : -1;
    const container: I.Value[] = pl.root === 'local' ? st.i[k][1] : st.g;
    const buf = st.i[k][2];
    /** O4: the result goes to its target; a shared target needs room in the buffer. */
    const result = (value: number, view: number): boolean => {
      if (!s.result) return true;
      const rp = this.apath(s.result, env);
      if (env.mode === 'step' && rp.root === 'shared' && buf.length >= this.bufferSize) return false;
      this.awrite(env, s.result.type, rp, value, view, false);
      return true;
    };
    if (env.mode === 'step' && shared && (isCas(op) || order !== 'full')) {
      let old: number;
      let vpost: number;
      if (isCas(op)) {
        // O2: the value as a load reads it (acquire for _acquire); the effects are a load's.
        const [v, w, current] = this.load(env, slot, pl.va, order === 'acquire');
        old = v;
        vpost = w;
        if (!casStores(op, old, a)) {
          if (s.wait) return false; // await try_cmpxchg: only the successful paths
          return result(op === 'cmpxchg' ? old : 0, vpost);
        }
        if (!current) return false; // equal to old, but not the current message
        if (order === 'full') return this.fullRmw(env, s, pl, slot, a, vd, result);
        if (!this.o3Ready(buf, order)) return false;
        if (buf.some((e) => this.slotOf(e.path) === slot) || this.exclusiveElsewhere(st, k, slot)) return false;
      } else {
        // O3: the current message, read as a load of it would.
        if (buf.some((e) => this.slotOf(e.path) === slot) || this.exclusiveElsewhere(st, k, slot)) return false;
        const [cur] = st.m![slot];
        old = getAt(st.g, pl.path) as number;
        let vpre = Math.max(pl.va, th.vrNew);
        if (order === 'acquire') vpre = Math.max(vpre, th.vRel);
        vpost = Math.max(vpre, cur);
        th.coh[slot] = Math.max(th.coh[slot], vpost);
        th.vrOld = Math.max(th.vrOld, vpost);
        th.vCAP = Math.max(th.vCAP, pl.va);
        if (order === 'acquire') th.vrNew = Math.max(th.vrNew, vpost);
      }
      const nv = rmwValue(op, old, a);
      this.checkValue(s.location.type, nv);
      buf.push({ path: pl.path, value: nv, view: Math.max(vpost, vd), bar: false, rel: order === 'release', ex: true });
      if (buf.length > this.bufferSize) throw new Error('internal: store buffer overflow');
      return result(rmwResult(op, old, nv, a), vpost);
    }
    if (env.mode === 'step' && shared) return this.fullRmw(env, s, pl, slot, a, vd, result); // O1
    const old = getAt(container, pl.path) as number;
    const oldView = pl.root === 'local' ? Math.max(getAt(th.lv, pl.path) as number, pl.va) : 0;
    const stored = !isCas(op) || casStores(op, old, a);
    if (s.wait && !stored) return false;
    const nv = rmwValue(op, old, a);
    if (stored) this.checkValue(s.location.type, nv);
    const value = rmwResult(op, old, nv, a);
    if (env.mode === 'step' && order === 'full') {
      // A5: fully ordered, on a local or ghost location (the buffer is empty).
      if (stored) setAt(container, pl.path, nv);
      const V = Math.max(th.vrOld, th.vwOld, th.vrNew, th.vCAP, th.vRel, pl.va, vd);
      th.vrOld = th.vrNew = V;
      if (pl.root === 'local' && stored) setAt(th.lv, pl.path, V);
      return result(value, V);
    }
    if (env.mode === 'step') {
      // O5: with a suffix, on a local or ghost location: at once, no waiting, no views but its own.
      const w = Math.max(oldView, pl.va, vd);
      if (stored) {
        setAt(container, pl.path, nv);
        if (pl.root === 'local') setAt(th.lv, pl.path, w);
      }
      return result(value, w);
    }
    // Inside an atomic block: act on the current values directly (A7).
    if (shared) env.read.add(slot);
    if (stored) {
      setAt(container, pl.path, nv);
      if (shared) env.stored.add(slot);
      if (pl.root === 'local') {
        if (env.mode === 'ordered') env.assigned.add(pl.path[0]);
        else setAt(th.lv, pl.path, Math.max(oldView, pl.va, vd));
      }
    }
    return result(value, env.mode === 'ordered' ? 0 : Math.max(oldView, pl.va, vd));
  }

  /** O1: a fully ordered RMW of a shared location that stores (the own buffer is empty). */
  private fullRmw(
    env: ArmEnv,
    s: Extract<I.Stmt, { kind: 'op' }>,
    pl: Place,
    slot: number,
    a: number[],
    vd: number,
    result: (value: number, view: number) => boolean,
  ): boolean {
    const { st, k } = env;
    const th = this.thread(st, k);
    if (st.i[k][2].length > 0 || this.exclusiveElsewhere(st, k, slot)) return false;
    const old = getAt(st.g, pl.path) as number;
    const nv = rmwValue(s.op, old, a);
    this.checkValue(s.location.type, nv);
    const msgs = st.m![slot];
    const ts = this.maxTs(st) + 1;
    msgs[1].push([old, msgs[0]]);
    msgs[0] = ts;
    setAt(st.g, pl.path, nv);
    const V = Math.max(th.vrOld, th.vwOld, th.vrNew, th.vCAP, th.vRel, pl.va, vd, ts);
    th.vrOld = th.vrNew = V;
    th.coh[slot] = V;
    th.vwOld = V;
    return result(rmwResult(s.op, old, nv, a), V);
  }

  /** The place an lvalue-shaped expression rooted at a global or a local names, with the view of its indices. */
  private apath(e: I.Expr, env: ArmEnv): Place {
    switch (e.kind) {
      case 'global':
        return { root: this.model.globals[e.global].ghost ? 'ghost' : 'shared', path: [e.global], va: 0 };
      case 'local':
        return { root: 'local', path: [e.local], va: 0 };
      case 'index': {
        const b = this.apath(e.base, env);
        const t = e.base.type as Extract<I.Type, { kind: 'array' }>;
        const [iv, iw] = this.scalar(e.index, env);
        return { root: b.root, path: [...b.path, this.indexPos(t.index, iv, 'array index')], va: Math.max(b.va, iw) };
      }
      case 'field': {
        const b = this.apath(e.base, env);
        return { root: b.root, path: [...b.path, e.field], va: b.va };
      }
      default:
        throw new Error(`internal: not a place: ${e.kind}`);
    }
  }

  private placeRooted(e: I.Expr): boolean {
    if (e.kind === 'index' || e.kind === 'field') return this.placeRooted(e.base);
    return e.kind === 'global' || e.kind === 'local';
  }

  /** Read a place: ghost (view 0), local (its view ⊔ the indices' view), shared (a load). */
  private readPlace(env: ArmEnv, type: I.Type, pl: Place, acquire: boolean): [I.Value, View] {
    const { st, k } = env;
    switch (pl.root) {
      case 'ghost':
        return [clone(getAt(st.g, pl.path)), 0]; // A2
      case 'local':
        return [clone(getAt(st.i[k][1], pl.path)), raise(getAt(this.thread(st, k).lv, pl.path), pl.va)];
      case 'shared':
        if (env.mode === 'ordered') {
          for (const sl of this.slotsUnder(pl.path)) env.read.add(sl);
          return [clone(getAt(st.g, pl.path)), 0]; // the current message; the block rule sets the views
        }
        if (env.mode === 'plain') throw new Error('internal: a shared read in an unordered block');
        if (!I.isScalar(type)) throw new Error('under arm a whole array or struct cannot be loaded in one step');
        return this.load(env, this.slotOf(pl.path), pl.va, acquire).slice(0, 2) as [number, number];
    }
  }

  /** The Load rule (and, with `acquire`, the smp_load_acquire rule) in a step. */
  private load(env: ArmEnv, slot: number, va: number, acquire: boolean): [number, number, boolean] {
    const { st, k } = env;
    const th = this.thread(st, k);
    let vpre = Math.max(va, th.vrNew);
    if (acquire) vpre = Math.max(vpre, th.vRel);
    const path = this.slots[slot].path;
    const own = st.i[k][2].filter((e) => this.slotOf(e.path) === slot).at(-1);
    let value: number;
    let vpost: number;
    let current = false;
    if (own) {
      // Forwarding from the newest own pending store to x.
      value = own.value;
      vpost = Math.max(vpre, own.view!);
    } else {
      const [cur, older] = st.m![slot];
      const msgs: [number, number][] = [...older, [getAt(st.g, path) as number, cur]];
      const limit = Math.max(vpre, th.coh[slot]);
      let from = -1;
      msgs.forEach(([, ts], i) => {
        if (ts <= limit) from = i;
      });
      if (from < 0) throw new Error('internal: no readable message');
      const cands = msgs.slice(from); // oldest first
      const pick = env.choose(cands.length);
      const [v, ts] = cands[pick];
      value = v;
      vpost = Math.max(vpre, ts);
      current = pick === cands.length - 1;
    }
    th.coh[slot] = Math.max(th.coh[slot], vpost);
    th.vrOld = Math.max(th.vrOld, vpost);
    th.vCAP = Math.max(th.vCAP, va);
    if (acquire) th.vrNew = Math.max(th.vrNew, vpost);
    return [value, vpost, current];
  }

  /** Whether an instance other than k holds a pending exclusive store to the shared slot. */
  private exclusiveElsewhere(st: State, k: number, slot: number): boolean {
    return st.i.some(([, , buf], j) => j !== k && buf.some((e) => e.ex && this.slotOf(e.path) === slot));
  }

  /** O3's conditions checked before anything is evaluated (room, no barrier, release: empty, acquire: no release). */
  private o3Ready(buf: Entry[], order: I.Order): boolean {
    if (buf.length >= this.bufferSize || buf.some((e) => e.bar)) return false;
    if (order === 'release' && buf.length > 0) return false;
    if (order === 'acquire' && buf.some((e) => e.rel)) return false;
    return true;
  }

  /** Store v (with view vd) to a place whose indices were evaluated; the range is checked here. */
  private awrite(env: ArmEnv, type: I.Type, pl: Place, v: I.Value, vd: View, release: boolean): void {
    const { st, k } = env;
    this.checkValue(type, v);
    switch (pl.root) {
      case 'ghost':
        setAt(st.g, pl.path, clone(v));
        return;
      case 'local': {
        const th = this.thread(st, k);
        setAt(st.i[k][1], pl.path, clone(v));
        setAt(th.lv, pl.path, fillView(type, env.mode === 'ordered' ? 0 : raise(vd, pl.va))); // A1: vd ⊔ va
        if (env.mode === 'ordered') env.assigned.add(pl.path[0]);
        return;
      }
      case 'shared': {
        if (env.mode === 'ordered') {
          setAt(st.g, pl.path, clone(v));
          for (const sl of this.slotsUnder(pl.path)) env.stored.add(sl);
          return;
        }
        if (env.mode === 'plain') throw new Error('internal: a shared store in an unordered block');
        if (!I.isScalar(type)) throw new Error('under arm a whole array or struct cannot be stored in one step');
        const th = this.thread(st, k);
        const buf = st.i[k][2];
        buf.push({ path: pl.path, value: v as number, view: Math.max(pl.va, vd as number), bar: false, rel: release });
        if (buf.length > this.bufferSize) throw new Error('internal: store buffer overflow');
        th.vCAP = Math.max(th.vCAP, pl.va);
        return;
      }
    }
  }

  /** The value and view of an expression in a step or an atomic block under arm. */
  private aval(e: I.Expr, env: ArmEnv): [I.Value, View] {
    const { st, k } = env;
    switch (e.kind) {
      case 'lit':
        return [e.value, 0];
      case 'param': {
        const p = this.instances[k].param;
        if (p === null) throw new Error('internal: param of a single process');
        return [p, 0];
      }
      case 'bound': {
        const v = env.bound[e.slot];
        if (v === undefined) throw new Error(`internal: bound slot ${e.slot} unset`);
        return [v, 0];
      }
      case 'global':
      case 'local':
      case 'index':
      case 'field': {
        if (this.placeRooted(e)) return this.readPlace(env, e.type, this.apath(e, env), false);
        // An element or field of another process's local: view 0 (A2).
        if (e.kind !== 'index' && e.kind !== 'field') throw new Error('internal: not a place');
        const [b] = this.aval(e.base, env);
        if (e.kind === 'field') return [clone((b as I.Value[])[e.field]), 0];
        const t = e.base.type as Extract<I.Type, { kind: 'array' }>;
        const [iv] = this.scalar(e.index, env);
        return [clone((b as I.Value[])[this.indexPos(t.index, iv, 'array index')]), 0];
      }
      case 'unary': {
        const [a, w] = this.scalar(e.arg, env);
        return [e.op === '!' ? (a ? 0 : 1) : fix0(-a), w];
      }
      case 'binary': {
        const [l, lw] = this.scalar(e.left, env);
        if (e.op === '&&' || e.op === '||' || e.op === '=>') {
          const needRight = e.op === '||' ? !l : !!l;
          if (!needRight) return [e.op === '||' ? 1 : e.op === '=>' ? 1 : 0, lw];
          const [r, rw] = this.scalar(e.right, env);
          return [r ? 1 : 0, Math.max(lw, rw)];
        }
        const [r, rw] = this.scalar(e.right, env);
        return [binop(e.op, l, r), Math.max(lw, rw)];
      }
      case 'cond': {
        const [t, tw] = this.scalar(e.test, env);
        const [v, w] = this.scalar(t ? e.then : e.else, env);
        return [v, Math.max(tw, w)];
      }
      case 'quant': {
        const saved = env.bound[e.slot];
        let acc = e.q === 'forall' ? 1 : 0;
        let w = 0;
        for (const v of I.typeValues(e.over)) {
          env.bound[e.slot] = v;
          const [b, bw] = this.scalar(e.body, env);
          w = Math.max(w, bw);
          if (e.q === 'forall' && !b) acc = 0;
          else if (e.q === 'exists' && b) acc = 1;
          else if (e.q === 'count' && b) acc++;
          else if (e.q === 'sum') acc += b;
        }
        env.bound[e.slot] = saved;
        return [acc, w];
      }
      case 'procLocal':
        return [clone(st.i[this.armInstanceOf(e.process, e.instance, env)][1][e.local]), 0];
      case 'procAt': {
        const k2 = this.armInstanceOf(e.process, e.instance, env);
        return [this.labelsAt(k2, st.i[k2][0])?.has(e.label) ? 1 : 0, 0];
      }
      case 'procDone':
        return [st.i[this.armInstanceOf(e.process, e.instance, env)][0] === null ? 1 : 0, 0];
    }
  }

  private scalar(e: I.Expr, env: ArmEnv): [number, number] {
    const [v, w] = this.aval(e, env);
    return [v as number, w as number];
  }

  private armInstanceOf(process: number, instance: I.Expr | null, env: ArmEnv): number {
    const p = this.model.processes[process];
    if (!p.param || instance === null) return this.instancesOf[process][0];
    const [v] = this.scalar(instance, env);
    return this.instancesOf[process][this.indexPos(p.param.type, v, `${p.name}[${v}]`)];
  }

  /**
   * Commit steps, after every process step: per instance (terminated ones too), per pending
   * store oldest first, every store that may reach memory now. This is instance k's part.
   */
  private commits(st: State, k: number): Outcome[] {
    const out: Outcome[] = [];
    {
      const buf = st.i[k][2];
      buf.forEach((_, j) => {
        const e0 = buf[j];
        const sl = this.slotOf(e0.path);
        for (let i = 0; i < j; i++) if (this.slotOf(buf[i].path) === sl || buf[i].bar) return;
        if (e0.rel && j > 0) return;
        if (this.exclusiveElsewhere(st, k, sl)) return; // another process's RMW on x is not finished
        const st2 = clone(st);
        const b2 = st2.i[k][2];
        const th = this.thread(st2, k);
        const e = b2[j];
        const msgs = st2.m![sl];
        const ts = this.maxTs(st2) + 1;
        msgs[1].push([getAt(st2.g, e.path) as number, msgs[0]]);
        msgs[0] = ts;
        setAt(st2.g, e.path, e.value);
        th.coh[sl] = ts;
        th.vwOld = ts;
        if (e.rel) th.vRel = ts;
        b2.splice(j, 1);
        if (e.bar && j > 0) b2[j - 1].bar = true;
        this.armNormalForm(st2);
        out.push({ kind: 'state', st: st2 });
      });
    }
    return out;
  }

  /** The normal form, after every step (docs/memory-models.md, "Normal form"). */
  private armNormalForm(st: State): void {
    const m = st.m!;
    const threads = st.i.map(([, , , th]) => th!);
    m.forEach((msgs, sl) => {
      const tss = [...msgs[1].map(([, ts]) => ts), msgs[0]]; // ascending
      // (1) Drop the older messages older than every process's oldest readable message
      // (its newest message with ts <= max(coh[x], vrNew)); A9: every instance.
      let floor = Infinity;
      for (const th of threads) {
        const limit = Math.max(th.coh[sl], th.vrNew);
        const readable = tss.filter((ts) => ts <= limit);
        if (!readable.length) throw new Error('internal: a process can read no message');
        floor = Math.min(floor, readable[readable.length - 1]);
      }
      let kept = msgs[1].filter(([, ts]) => ts >= floor);
      // (2) At most K older messages; every coh[x] at least the oldest one kept.
      if (kept.length > this.bufferSize) {
        kept = kept.slice(kept.length - this.bufferSize);
        for (const th of threads) th.coh[sl] = Math.max(th.coh[sl], kept[0][1]);
      }
      msgs[1] = kept;
    });
    // (3) Dense timestamps: v becomes the number of distinct non-zero timestamps <= v.
    const all = [...new Set(m.flatMap(([cur, older]) => [cur, ...older.map(([, ts]) => ts)]))].filter((t) => t !== 0);
    const f = (v: number): number => all.filter((t) => t <= v).length;
    for (const msgs of m) {
      msgs[0] = f(msgs[0]);
      for (const o of msgs[1]) o[1] = f(o[1]);
    }
    st.i.forEach(([, , buf, th]) => {
      for (const e of buf) e.view = f(e.view!);
      const t = th!;
      t.coh = t.coh.map(f);
      t.vrOld = f(t.vrOld);
      t.vwOld = f(t.vwOld);
      t.vrNew = f(t.vrNew);
      t.vCAP = f(t.vCAP);
      t.vRel = f(t.vRel);
      t.lv = t.lv.map((v) => mapView(v, f));
    });
  }

  successors(st: State): Outcome[] {
    return this.unitSuccessors(st).map((x) => x.out);
  }

  /**
   * The successors in the same order, each with the unit whose step it is: instance k's own
   * steps are unit k; its drains (tso) or commits (arm) are unit instances + k.
   */
  unitSuccessors(st: State): { unit: number; out: Outcome }[] {
    const out: { unit: number; out: Outcome }[] = [];
    const n = st.i.length;
    st.i.forEach(([pos], k) => {
      if (pos !== null) for (const o of this.stepsAt(st, k, pos, new Set())) out.push({ unit: k, out: o });
    });
    if (this.arm) {
      st.i.forEach((_, k) => {
        for (const o of this.commits(st, k)) out.push({ unit: n + k, out: o });
      });
      return out;
    }
    // Under tso: drains after all process steps, in instance order (terminated instances too).
    st.i.forEach(([, , buf], k) => {
      if (!buf.length) return;
      const st2 = clone(st);
      const oldest = st2.i[k][2].shift()!;
      setAt(st2.g, oldest.path, oldest.value);
      out.push({ unit: n + k, out: { kind: 'state', st: st2 } });
    });
    return out;
  }

  deadlocked(st: State): boolean {
    return st.i.some(([pos], k) => {
      if (pos === null || this.instances[k].def.background) return false;
      const labels = this.labelsAt(k, pos);
      return !labels || ![...labels].some((l) => l.startsWith('end'));
    });
  }

  /** The first false invariant, in declaration order. */
  brokenInvariant(st: State): { vk: NaiveViolation['kind']; property: string } | null {
    for (const inv of this.model.invariants) {
      try {
        if (!this.eval(inv.expr, { st, k: -1, bound: [], direct: true })) return { vk: 'invariant', property: inv.name };
      } catch (e) {
        // An evaluation failure inside an invariant is reported as that failure.
        if (e instanceof Violation) return { vk: e.vk, property: inv.name };
        throw e;
      }
    }
    return null;
  }

  initial(): State {
    const st: State = {
      g: clone(this.model.globals.map((g) => g.init)),
      i: this.instances.map((inst, k) => [this.normalise(k, [[inst.bodyList, 0]]), clone(inst.def.locals.map((l) => l.init)), []]),
    };
    if (this.arm) {
      // Every timestamp and view 0, no older messages, no pending stores.
      st.m = this.slots.map((): Msgs => [0, []]);
      st.i.forEach((x, k) => {
        const locals = this.instances[k].def.locals;
        x[3] = { coh: this.slots.map(() => 0), vrOld: 0, vwOld: 0, vrNew: 0, vCAP: 0, vRel: 0, lv: locals.map((l) => fillView(l.type, 0)) };
      });
    }
    return st;
  }

  /** A state's identity: its JSON text. */
  key(st: State): string {
    return JSON.stringify(this.arm ? [st.g, st.m, st.i] : [st.g, st.i]);
  }

  unkey(kk: string): State {
    const x = JSON.parse(kk) as unknown[];
    return this.arm ? { g: x[0] as I.Value[], m: x[1] as Msgs[], i: x[2] as State['i'] } : { g: x[0] as I.Value[], i: x[1] as State['i'] };
  }

  /** The breadth-first search; `seen` (when given) receives every state found, as its key. */
  explore(opts: NaiveOptions, seen: Set<string> = new Set()): NaiveResult {
    const checkDeadlock = opts.deadlock !== false;
    const maxStates = opts.maxStates ?? 2_000_000;
    const key = (st: State): string => this.key(st);
    const init = this.initial();
    seen.add(key(init));
    const bad0 = this.brokenInvariant(init);
    if (bad0) return { states: 1, maxDepth: 0, verdict: 'violation', violation: { kind: bad0.vk, property: bad0.property, depth: 0 } };
    // The frontier is kept as the states' keys (far smaller than the objects) and each state
    // is rebuilt from its key when it is expanded.
    const unkey = (kk: string): State => this.unkey(kk);
    let level = [key(init)];
    let depth = 0;
    for (;;) {
      const next: string[] = [];
      let deadlock: NaiveViolation | null = null;
      let found: NaiveViolation | null = null;
      for (const stKey of level) {
        const st = unkey(stKey);
        const outs = this.successors(st);
        if (outs.length === 0 && checkDeadlock && !deadlock && this.deadlocked(st)) deadlock = { kind: 'deadlock', property: 'deadlock', depth };
        for (const o of outs) {
          if (o.kind === 'violation') {
            found ??= { kind: o.vk, property: o.property, depth: depth + 1 };
            continue;
          }
          const kk = key(o.st);
          if (seen.has(kk)) continue;
          seen.add(kk);
          if (seen.size > maxStates) throw new Error(`more than ${maxStates} states`);
          const bad = this.brokenInvariant(o.st);
          if (bad) found ??= { kind: bad.vk, property: bad.property, depth: depth + 1 };
          next.push(kk);
        }
      }
      const v = deadlock ?? found;
      if (v) return { states: seen.size, maxDepth: v.depth, verdict: 'violation', violation: v };
      if (!next.length) return { states: seen.size, maxDepth: depth, verdict: 'pass', violation: null };
      level = next;
      depth++;
    }
  }
}

interface Env {
  st: State | null; // null while folding a condition
  k: number; // the running instance, -1 in invariants
  bound: number[];
  /** Stores go to memory even under tso (atomic blocks, RMW ops: the buffer is empty there). */
  direct: boolean;
}

type Choose = (n: number) => number;
type Root = 'shared' | 'ghost' | 'local';
/** A place: its root, its path (global or local index, element positions...), the view of its indices. */
interface Place {
  root: Root;
  path: number[];
  va: number;
}

interface ArmEnv {
  st: State;
  k: number;
  bound: number[];
  /** 'step': a process step; 'ordered'/'plain': inside an atomic block that does / does not mention a shared location. */
  mode: 'step' | 'ordered' | 'plain';
  choose: Choose;
  /** Inside an ordered block: the shared slots read and stored, the locals assigned. */
  read: Set<number>;
  stored: Set<number>;
  assigned: Set<number>;
}
