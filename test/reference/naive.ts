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
import * as I from '../../src/check/ir.ts';

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
  memory?: 'sc' | 'tso';
  /** Under 'tso': the number of entries of each store buffer (default 2, at least 1). */
  storeBuffer?: number;
}

// ---- representation ---------------------------------------------------------------------

type Frame = number[]; // [listId, index] or [listId, index, forValue]
type Pos = Frame[] | null;
/** A store-buffer entry: one scalar slot of a shared global ([global, element positions...]). */
interface Entry {
  path: number[];
  value: number;
}
/** Per instance: position, locals, store buffer (oldest first; always [] under sc). */
interface State {
  g: I.Value[];
  i: [Pos, I.Value[], Entry[]][];
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

const RMW_OPS: ReadonlySet<I.OpName> = new Set<I.OpName>([
  'xchg',
  'cmpxchg',
  'fetch_add',
  'fetch_sub',
  'set_bit',
  'clear_bit',
  'test_and_set_bit',
  'test_and_clear_bit',
]);

/** The scalars of a value of type t, in element order, with their paths (below `path`). */
function scalarsOf(t: I.Type, v: I.Value, path: number[] = []): Entry[] {
  if (I.isScalar(t)) return [{ path, value: v as number }];
  if (t.kind === 'array') return (v as I.Value[]).flatMap((x, i) => scalarsOf(t.elem, x, [...path, i]));
  return t.fields.flatMap((f, i) => scalarsOf(f.type, (v as I.Value[])[i], [...path, i]));
}

/** Overwrite the scalar at `path` (non-empty) inside the container `c`. */
function setAt(c: I.Value[], path: number[], value: number): void {
  let x = c;
  for (const p of path.slice(0, -1)) x = x[p] as I.Value[];
  x[path[path.length - 1]] = value;
}

class Naive {
  readonly lists: ListInfo[] = [];
  readonly listIds = new Map<I.Stmt[], number>();
  readonly instances: Instance[] = [];
  readonly instancesOf: number[][] = []; // process -> instance indices, by parameter value order
  readonly tso: boolean;
  readonly bufferSize: number;

  constructor(
    readonly model: I.CheckedModel,
    opts: NaiveOptions = {},
  ) {
    const memory = opts.memory ?? 'sc';
    if (memory !== 'sc' && memory !== 'tso') throw new Error(`unknown memory model ${String(memory)}`);
    this.tso = memory === 'tso';
    this.bufferSize = opts.storeBuffer ?? 2;
    if (!Number.isInteger(this.bufferSize) || this.bufferSize < 1)
      throw new Error(`store buffer size ${this.bufferSize} is not an integer >= 1`);
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

  /** Under tso smp_mb() and dsb() (outside atomic blocks) are steps; other fences never are. */
  private fenceIsStep(s: Extract<I.Stmt, { kind: 'fence' }>): boolean {
    return this.tso && (s.fence === 'smp_mb' || s.fence === 'dsb');
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
        const r = num(e.right);
        switch (e.op) {
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
        throw new Error(`internal: operator ${e.op}`);
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
        if ((v as number) < t.lo || (v as number) > t.hi)
          throw new Violation('range', `value ${v as number} outside ${I.showType(t)}`);
        return;
      case 'bool':
        if (v !== 0 && v !== 1) throw new Violation('range', `value ${String(v)} is not a bool`);
        return;
      case 'enum':
        if ((v as number) < 0 || (v as number) >= t.members.length)
          throw new Violation('range', `value ${v as number} outside ${t.name}`);
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
        let nv: number;
        switch (s.op) {
          case 'WRITE_ONCE':
          case 'xchg':
            nv = args[0];
            break;
          case 'cmpxchg':
            nv = old === args[0] ? args[1] : old;
            break;
          case 'fetch_add':
            nv = old + args[0];
            break;
          case 'fetch_sub':
            nv = old - args[0];
            break;
          case 'set_bit':
          case 'test_and_set_bit':
            nv = 1;
            break;
          case 'clear_bit':
          case 'test_and_clear_bit':
            nv = 0;
            break;
        }
        this.checkValue(s.location.type, nv);
        loc.c[loc.key] = nv;
        if (s.result) this.store(s.result, () => old, env);
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

  successors(st: State): Outcome[] {
    const out: Outcome[] = [];
    st.i.forEach(([pos], k) => {
      if (pos !== null) out.push(...this.stepsAt(st, k, pos, new Set()));
    });
    // Under tso: drains after all process steps, in instance order (terminated instances too).
    st.i.forEach(([, , buf], k) => {
      if (!buf.length) return;
      const st2 = clone(st);
      const oldest = st2.i[k][2].shift()!;
      setAt(st2.g, oldest.path, oldest.value);
      out.push({ kind: 'state', st: st2 });
    });
    return out;
  }

  private deadlocked(st: State): boolean {
    return st.i.some(([pos], k) => {
      if (pos === null || this.instances[k].def.background) return false;
      const labels = this.labelsAt(k, pos);
      return !labels || ![...labels].some((l) => l.startsWith('end'));
    });
  }

  /** The first false invariant, in declaration order. */
  private brokenInvariant(st: State): { vk: NaiveViolation['kind']; property: string } | null {
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
    return {
      g: clone(this.model.globals.map((g) => g.init)),
      i: this.instances.map((inst, k) => [
        this.normalise(k, [[inst.bodyList, 0]]),
        clone(inst.def.locals.map((l) => l.init)),
        [],
      ]),
    };
  }

  explore(opts: NaiveOptions): NaiveResult {
    const checkDeadlock = opts.deadlock !== false;
    const maxStates = opts.maxStates ?? 2_000_000;
    const key = (st: State): string => JSON.stringify([st.g, st.i]);
    const init = this.initial();
    const seen = new Set<string>([key(init)]);
    const bad0 = this.brokenInvariant(init);
    if (bad0) return { states: 1, maxDepth: 0, verdict: 'violation', violation: { kind: bad0.vk, property: bad0.property, depth: 0 } };
    let level = [init];
    let depth = 0;
    for (;;) {
      const next: State[] = [];
      let deadlock: NaiveViolation | null = null;
      let found: NaiveViolation | null = null;
      for (const st of level) {
        const outs = this.successors(st);
        if (outs.length === 0 && checkDeadlock && !deadlock && this.deadlocked(st))
          deadlock = { kind: 'deadlock', property: 'deadlock', depth };
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
          next.push(o.st);
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
