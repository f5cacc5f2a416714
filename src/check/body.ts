// Checks expressions and statements: resolves names in scopes, types every node, expands
// inline calls, and lowers built-in calls to the checked IR.
import * as A from '../parse/ast.ts';
import { diag, DiagnosticError, type Diagnostic } from '../parse/diagnostic.ts';
import { MAX_DOMAIN, MAX_EXPANDED_STATEMENTS, MAX_INLINE_DEPTH, MAX_NESTING, MAX_QUANTIFIER_WORK } from '../parse/bounds.ts';
import { spanText, type Span } from '../parse/source.ts';
import type { ModelChecker } from './check.ts';
import * as I from './ir.ts';

export type Binding =
  | { kind: 'bound'; slot: number; type: I.ScalarType }
  | { kind: 'arg'; expr: I.Expr }
  | { kind: 'local'; local: number; type: I.Type }
  | { kind: 'param'; type: I.ScalarType };

export interface Scope {
  readonly names: Map<string, Binding>;
  readonly parent: Scope | null;
}

/** Where a statement stands: what `break`, `continue` and `return` may jump to. */
interface Place {
  readonly loop: 'none' | 'inside' | 'beyond-atomic';
  readonly inline: 'none' | 'inside' | 'beyond-atomic';
  readonly atomic: boolean;
  readonly inlineStack: readonly string[];
  /** The innermost enclosing `for` over a symmetric type, shown as `for d: T` (null: none). */
  readonly symFor: string | null;
  /** The innermost loop is a `for` over a symmetric type (a `break` would leave it). */
  readonly breakLeavesSymFor: boolean;
  /** A `return` would leave a `for` over a symmetric type (inside the current inline). */
  readonly returnLeavesSymFor: boolean;
}

const INT: I.Type = { kind: 'int', lo: -Infinity, hi: Infinity };
const BOOL: I.Type = { kind: 'bool' };
const FENCES = new Set<string>(['smp_mb', 'smp_wmb', 'smp_rmb', 'dsb', 'isb', 'smp_mb__before_atomic', 'smp_mb__after_atomic', 'smp_mb__after_spinlock']);

/**
 * A built-in operation: its arguments (the location first), what its location may hold, the
 * IR operation and ordering it lowers to, and what it returns. `one` adds the argument 1
 * (atomic_inc is atomic_add of 1); `fixed` is the value a store-like form stores.
 */
interface OpSig {
  readonly args: number;
  readonly kind: 'any' | 'int' | 'bool';
  readonly op: I.OpName;
  readonly order?: I.Order;
  readonly one?: boolean;
  readonly fixed?: number;
  /** 'location': a value of the location's type; 'bool'; 'none': no value (a statement only). */
  readonly returns: 'location' | 'bool' | 'none';
}

/** The kernel's value-returning read-modify-writes: each also with `_relaxed`, `_acquire`, `_release`. */
const RMW_FAMILIES: readonly (readonly [readonly string[], Omit<OpSig, 'order'>])[] = [
  [['xchg', 'atomic_xchg'], { args: 2, kind: 'any', op: 'xchg', returns: 'location' }],
  [['cmpxchg', 'atomic_cmpxchg'], { args: 3, kind: 'any', op: 'cmpxchg', returns: 'location' }],
  [['try_cmpxchg', 'atomic_try_cmpxchg'], { args: 3, kind: 'any', op: 'try_cmpxchg', returns: 'bool' }],
  [['fetch_add', 'atomic_fetch_add'], { args: 2, kind: 'int', op: 'fetch_add', returns: 'location' }],
  [['fetch_sub', 'atomic_fetch_sub'], { args: 2, kind: 'int', op: 'fetch_sub', returns: 'location' }],
  [['atomic_fetch_inc'], { args: 1, kind: 'int', op: 'fetch_add', one: true, returns: 'location' }],
  [['atomic_fetch_dec'], { args: 1, kind: 'int', op: 'fetch_sub', one: true, returns: 'location' }],
  [['atomic_add_return'], { args: 2, kind: 'int', op: 'add_return', returns: 'location' }],
  [['atomic_sub_return'], { args: 2, kind: 'int', op: 'sub_return', returns: 'location' }],
  [['atomic_inc_return'], { args: 1, kind: 'int', op: 'add_return', one: true, returns: 'location' }],
  [['atomic_dec_return'], { args: 1, kind: 'int', op: 'sub_return', one: true, returns: 'location' }],
  [['test_and_set_bit'], { args: 1, kind: 'bool', op: 'test_and_set_bit', returns: 'location' }],
  [['test_and_clear_bit'], { args: 1, kind: 'bool', op: 'test_and_clear_bit', returns: 'location' }],
];
const SUFFIXES: readonly (readonly [string, I.Order])[] = [
  ['', 'full'],
  ['_relaxed', 'relaxed'],
  ['_acquire', 'acquire'],
  ['_release', 'release'],
];

const OPS: Record<string, OpSig> = {
  // Version 1's set_bit and clear_bit kept their (undocumented) result: the old value.
  set_bit: { args: 1, kind: 'bool', op: 'set_bit', returns: 'location' },
  clear_bit: { args: 1, kind: 'bool', op: 'clear_bit', returns: 'location' },
  smp_load_acquire: { args: 1, kind: 'any', op: 'smp_load_acquire', returns: 'location' },
  smp_store_release: { args: 2, kind: 'any', op: 'smp_store_release', returns: 'none' },
  // The non-returning atomics: unordered.
  atomic_inc: { args: 1, kind: 'int', op: 'fetch_add', order: 'relaxed', one: true, returns: 'none' },
  atomic_dec: { args: 1, kind: 'int', op: 'fetch_sub', order: 'relaxed', one: true, returns: 'none' },
  atomic_add: { args: 2, kind: 'int', op: 'fetch_add', order: 'relaxed', returns: 'none' },
  atomic_sub: { args: 2, kind: 'int', op: 'fetch_sub', order: 'relaxed', returns: 'none' },
  // The bit lock: an acquire test_and_set_bit, and a release store of false.
  test_and_set_bit_lock: { args: 1, kind: 'bool', op: 'test_and_set_bit', order: 'acquire', returns: 'location' },
  clear_bit_unlock: { args: 1, kind: 'bool', op: 'smp_store_release', fixed: 0, returns: 'none' },
  // Adds unless the value is u; fully ordered when it adds, a plain read when it does not
  // (as a failed cmpxchg). The kernel has no _relaxed/_acquire/_release variants of it.
  atomic_add_unless: { args: 3, kind: 'int', op: 'add_unless', returns: 'bool' },
};
for (const [names, sig] of RMW_FAMILIES)
  for (const name of names) for (const [suffix, order] of SUFFIXES) OPS[name + suffix] = order === 'full' ? { ...sig } : { ...sig, order };

function fail(message: string, span: Span, code = 'type'): never {
  throw new DiagnosticError(diag(code, message, span));
}

/** The symmetric type a type's values belong to (undefined: not a symmetric type). */
export function symmetricOf(t: I.Type): string | undefined {
  return t.kind === 'int' ? t.symmetric : undefined;
}

/** An integer written as digits (or its negation), as opposed to a constant's name. */
function isLiteral(e: I.Expr): boolean {
  if (e.kind === 'unary') return e.op === '-' && isLiteral(e.arg);
  return e.kind === 'lit' && /^[(\s]*[0-9]+[)\s]*$/.test(spanText(e.span));
}

/**
 * Why a scalar of type `source` (the value `value`, when known) cannot stand where a `target`
 * is expected, as far as symmetric types go (docs/language.md, "Symmetry"); undefined when
 * they agree (both of one symmetric type, or neither symmetric).
 */
function symmetricMismatch(target: I.Type, source: I.Type, value?: I.Expr): string | undefined {
  const ts = symmetricOf(target);
  const ss = symmetricOf(source);
  if (ts === ss || target.kind !== 'int' || source.kind !== 'int') return undefined;
  if (ts !== undefined && ss !== undefined) return `symmetric types ${ts} and ${ss} do not mix: expected ${ts}, found ${ss}`;
  if (ts !== undefined) {
    if (value && isLiteral(value)) return `a value of symmetric type ${ts} cannot be written as a literal ('${spanText(value.span)}')`;
    if (value?.kind === 'lit') return `an integer cannot be converted to symmetric type ${ts}: '${spanText(value.span)}' is an integer constant`;
    return `an integer cannot be converted to symmetric type ${ts}: expected ${ts}, found ${I.showType(source)}`;
  }
  return `a value of symmetric type ${ss} cannot be converted to an integer: expected ${I.showType(target)}, found ${ss}`;
}

export class BodyChecker {
  private slotCount = 0;
  private locals: I.Local[] = [];
  private paramType: I.ScalarType | null = null;
  private inlineExpansions = new Map<string, number>();
  /** Statements of the current process so far, inline calls expanded (MAX_EXPANDED_STATEMENTS). */
  private expanded = 0;
  private tooLarge: Diagnostic | undefined;
  /** How many times the statement being checked is unrolled (values of the enclosing `for`s). */
  private unroll = 1;
  /** Statements open right now, one inside another (through inline calls). */
  private stmtDepth = 0;
  /** Values enumerated by the enclosing quantifiers together (MAX_QUANTIFIER_WORK). */
  private quantWork = 1;
  /** The process being checked (-1 outside a process body). */
  private processIndex = -1;

  constructor(private readonly m: ModelChecker) {}

  // ---- processes and invariants ------------------------------------------------------
  process(decl: Extract<A.Decl, { kind: 'process' }>, index: number): I.Process | undefined {
    this.slotCount = 0;
    this.locals = [];
    this.inlineExpansions = new Map();
    this.expanded = 0;
    this.tooLarge = undefined;
    this.unroll = 1;
    this.stmtDepth = 0;
    const before = this.m.diagnostics.length;
    const scope: Scope = { names: new Map(), parent: null };
    this.paramType = this.m.processParamTypes[index];
    this.processIndex = index;
    if (decl.param && this.paramType) scope.names.set(decl.param.name.name, { kind: 'param', type: this.paramType });
    this.declareVars(decl.body, scope, '');
    const place: Place = {
      loop: 'none',
      inline: 'none',
      atomic: false,
      inlineStack: [],
      symFor: null,
      breakLeavesSymFor: false,
      returnLeavesSymFor: false,
    };
    const body = this.stmts(decl.body, scope, place);
    if (this.m.diagnostics.length > before) return undefined;
    return {
      name: decl.name.name,
      param: decl.param && this.paramType ? { name: decl.param.name.name, type: this.paramType } : null,
      background: decl.background,
      fair: !decl.background || decl.fair,
      locals: this.locals,
      body,
      boundSlots: this.slotCount,
      span: decl.span,
    };
  }

  invariant(decl: Extract<A.Decl, { kind: 'invariant' }>): I.Invariant | undefined {
    this.slotCount = 0;
    this.paramType = null;
    this.processIndex = -1;
    const expr = this.m.guard(() => this.boolExpr(decl.expr, null));
    if (!expr) return undefined;
    return { name: decl.name.name, expr, boundSlots: this.slotCount, span: decl.span };
  }

  /** Checked like an invariant: both sides are bools over what an invariant may read. */
  property(decl: Extract<A.Decl, { kind: 'property' }>): I.Property | undefined {
    this.slotCount = 0;
    this.paramType = null;
    this.processIndex = -1;
    const from = decl.from ? this.m.guard(() => this.boolExpr(decl.from!, null)) : null;
    const expr = this.m.guard(() => this.boolExpr(decl.expr, null));
    if (!expr || from === undefined) return undefined;
    const kind = decl.temporal;
    return { name: decl.name.name, kind, from, expr, boundSlots: this.slotCount, span: decl.span };
  }

  /** `var` declarations of a body (not inside inline calls) become locals in `scope`. */
  private declareVars(body: A.Stmt[], scope: Scope, prefix: string): void {
    const visit = (s: A.Stmt): void => {
      switch (s.kind) {
        case 'var':
          this.m.guard(() => {
            if (scope.names.has(s.name.name)) fail(`'${s.name.name}' is already declared in this process`, s.name.span, 'duplicate');
            const type = this.m.resolveType(s.type);
            const init = s.init ? this.m.initValue(type, s.init) : I.defaultValue(type);
            const local = this.locals.length;
            this.locals.push({ name: prefix + s.name.name, type, init, span: s.span });
            scope.names.set(s.name.name, { kind: 'local', local, type });
          });
          break;
        case 'label':
          visit(s.stmt);
          break;
        case 'if':
          s.then.forEach(visit);
          s.else?.forEach(visit);
          break;
        case 'while':
        case 'loop':
        case 'for':
        case 'atomic':
          s.body.forEach(visit);
          break;
        case 'either':
          s.branches.forEach((b) => b.forEach(visit));
          break;
        default:
          break;
      }
    };
    body.forEach(visit);
  }

  // ---- statements --------------------------------------------------------------------
  private stmts(body: A.Stmt[], scope: Scope, place: Place): I.Stmt[] {
    const out: I.Stmt[] = [];
    for (const s of body) this.m.guard(() => this.stmt(s, scope, place, out));
    return out;
  }

  private stmt(s: A.Stmt, scope: Scope, place: Place, out: I.Stmt[]): void {
    // Statements nested inside statements, through inline calls too (each inline body is
    // within the parser's bound, but inlines nest): the compiler recurses over this.
    if (this.tooLarge) throw new DiagnosticError(this.tooLarge);
    if (this.stmtDepth >= MAX_NESTING) {
      this.tooLarge = diag('nesting', `statements nested more than ${MAX_NESTING} levels deep, counting those inside inline calls (docs/limits.md)`, s.span);
      throw new DiagnosticError(this.tooLarge);
    }
    this.stmtDepth++;
    try {
      this.stmtAt(s, scope, place, out);
    } finally {
      this.stmtDepth--;
    }
  }

  private stmtAt(s: A.Stmt, scope: Scope, place: Place, out: I.Stmt[]): void {
    if (this.tooLarge) throw new DiagnosticError(this.tooLarge); // reported once, where the bound was passed
    this.expanded += this.unroll;
    if (this.expanded > MAX_EXPANDED_STATEMENTS) {
      this.tooLarge = diag(
        'size',
        `this process expands to more than ${MAX_EXPANDED_STATEMENTS.toLocaleString('en-US')} statements (inline calls expanded)`,
        s.span,
        {
          hint: 'docs/limits.md',
        },
      );
      throw new DiagnosticError(this.tooLarge);
    }
    switch (s.kind) {
      case 'assign':
        out.push(this.assign(s, scope));
        return;
      case 'call':
        out.push(this.callStmt(s.call, s.span, scope, place));
        return;
      case 'await':
        if (place.symFor)
          fail(
            `'await' cannot be inside '${place.symFor}': whether the block completes would depend on the order of the iterations (wait before the loop, with forall)`,
            s.span,
          );
        if (s.cond.kind === 'call' && Object.hasOwn(OPS, s.cond.callee.name)) {
          // `await try_cmpxchg*(x, old, new);`: enabled only when the cmpxchg succeeds.
          if (OPS[s.cond.callee.name].op !== 'try_cmpxchg')
            fail(`only try_cmpxchg() and its variants can be awaited, not ${s.cond.callee.name}()`, s.cond.span);
          out.push({ ...this.op(s.cond, scope), wait: true, span: s.span });
          return;
        }
        out.push({ kind: 'await', cond: this.boolExpr(s.cond, scope), span: s.span });
        return;
      case 'assert':
        out.push({
          kind: 'assert',
          cond: this.boolExpr(s.cond, scope),
          message: s.message ?? spanText(s.cond.span),
          span: s.span,
        });
        return;
      case 'skip':
        out.push({ kind: 'skip', span: s.span });
        return;
      case 'var':
        return; // declared at process start
      case 'if': {
        const cond = this.boolExpr(s.cond, scope);
        out.push({
          kind: 'if',
          cond,
          foldable: foldable(cond),
          then: this.stmts(s.then, scope, place),
          else: s.else ? this.stmts(s.else, scope, place) : [],
          span: s.span,
        });
        return;
      }
      case 'while': {
        const cond = this.boolExpr(s.cond, scope);
        const inner: Place = { ...place, loop: 'inside', breakLeavesSymFor: false };
        out.push({ kind: 'while', cond, foldable: foldable(cond), body: this.stmts(s.body, scope, inner), span: s.span });
        return;
      }
      case 'loop':
        out.push({ kind: 'loop', body: this.stmts(s.body, scope, { ...place, loop: 'inside', breakLeavesSymFor: false }), span: s.span });
        return;
      case 'for': {
        const over = this.m.scalarType(s.type, 'a loop range');
        const sym = symmetricOf(over);
        const shown = `for ${s.variable.name}: ${sym}`;
        if (sym !== undefined && !place.atomic)
          fail(
            `'${shown}' over a symmetric type is allowed only inside 'atomic { }': outside, its fixed order of iterations would be a behaviour that renaming does not preserve`,
            s.span,
          );
        const slot = this.slotCount++;
        const inner: Scope = { names: new Map([[s.variable.name, { kind: 'bound', slot, type: over }]]), parent: scope };
        const innerPlace: Place =
          sym === undefined
            ? { ...place, loop: 'inside', breakLeavesSymFor: false }
            : { ...place, loop: 'inside', symFor: shown, breakLeavesSymFor: true, returnLeavesSymFor: place.inline !== 'none' };
        const before = this.m.diagnostics.length;
        // The compiler unrolls the loop: its body counts once per value.
        const unroll = this.unroll;
        this.unroll = unroll * I.typeSize(over);
        let body: I.Stmt[];
        try {
          body = this.stmts(s.body, inner, innerPlace);
        } finally {
          this.unroll = unroll;
        }
        if (sym !== undefined && this.m.diagnostics.length === before) this.checkSymmetricFor(slot, shown, s.variable.name, body);
        out.push({ kind: 'for', slot, over, body, span: s.span });
        return;
      }
      case 'either':
        out.push({ kind: 'either', branches: s.branches.map((b) => this.stmts(b, scope, place)), span: s.span });
        return;
      case 'atomic': {
        const inner: Place = {
          ...place,
          atomic: true,
          loop: place.loop === 'none' ? 'none' : 'beyond-atomic',
          inline: place.inline === 'none' ? 'none' : 'beyond-atomic',
        };
        out.push({ kind: 'atomic', body: this.stmts(s.body, scope, inner), span: s.span });
        return;
      }
      case 'break':
      case 'continue':
        if (place.loop === 'none') fail(`'${s.kind}' outside a loop`, s.span, 'syntax');
        if (place.loop === 'beyond-atomic') fail(`'${s.kind}' cannot leave an atomic block`, s.span, 'syntax');
        if (s.kind === 'break' && place.breakLeavesSymFor)
          fail(`'break' cannot leave '${place.symFor}': where the loop stops would depend on the order of the iterations`, s.span);
        out.push({ kind: s.kind, span: s.span });
        return;
      case 'return':
        if (place.inline === 'none') fail("'return' outside an inline", s.span, 'syntax');
        if (place.inline === 'beyond-atomic') fail("'return' cannot leave an atomic block", s.span, 'syntax');
        if (place.returnLeavesSymFor) fail(`'return' cannot leave '${place.symFor}': where the loop stops would depend on the order of the iterations`, s.span);
        out.push({ kind: 'return', span: s.span });
        return;
      case 'label':
        out.push({ kind: 'label', name: s.name.name, span: s.name.span });
        this.stmt(s.stmt, scope, place, out);
        return;
      default:
        A.assertNever(s);
    }
  }

  private assign(s: Extract<A.Stmt, { kind: 'assign' }>, scope: Scope): I.Stmt {
    const target = this.lvalue(s.target, scope);
    const v = s.value;
    if (v.kind === 'any') {
      const over = this.m.scalarType(v.type, 'any()');
      const size = I.typeSize(over);
      if (size > MAX_DOMAIN)
        fail(`any() over ${size.toLocaleString('en-US')} values: at most ${MAX_DOMAIN.toLocaleString('en-US')} choices (docs/limits.md)`, v.type.span, 'size');
      this.assignable(target.type, over, v.span);
      return { kind: 'any', target, over, span: s.span };
    }
    if (v.kind === 'call' && Object.hasOwn(OPS, v.callee.name)) {
      const sig = OPS[v.callee.name];
      if (sig.returns === 'none') fail(`${v.callee.name}() returns no value: use it as a statement`, v.span);
      const op = this.op(v, scope);
      this.assignable(target.type, sig.returns === 'bool' ? BOOL : op.location.type, s.value.span);
      return { ...op, result: target, span: s.span };
    }
    const value = this.expr(v, scope);
    this.assignable(target.type, value.type, v.span, value);
    return { kind: 'assign', target, value, span: s.span };
  }

  private op(call: Extract<A.Expr, { kind: 'call' }>, scope: Scope): Extract<I.Stmt, { kind: 'op' }> {
    const name = call.callee.name;
    const sig = OPS[name];
    if (call.args.length !== sig.args) fail(`${name} takes ${sig.args} argument${sig.args > 1 ? 's' : ''}, not ${call.args.length}`, call.span);
    const location = this.lvalue(call.args[0], scope);
    if (!I.isScalar(location.type)) fail(`${name} needs a scalar location, not ${I.showType(location.type)}`, call.args[0].span);
    if (sig.kind === 'bool' && location.type.kind !== 'bool') fail(`${name} needs a bool location, not ${I.showType(location.type)}`, call.args[0].span);
    if (sig.kind === 'int' && location.type.kind !== 'int') fail(`${name} needs an integer location, not ${I.showType(location.type)}`, call.args[0].span);
    const sym = symmetricOf(location.type);
    if (sig.kind === 'int' && sym !== undefined)
      fail(`${name} is arithmetic, and a value of symmetric type ${sym} cannot be used in arithmetic`, call.args[0].span);
    const args = call.args.slice(1).map((a) => {
      const e = this.expr(a, scope);
      this.assignable(location.type, e.type, a.span, e);
      return e;
    });
    if (sig.one) args.push({ kind: 'lit', value: 1, type: { kind: 'int', lo: 1, hi: 1 }, span: call.span });
    if (sig.fixed !== undefined) args.push({ kind: 'lit', value: sig.fixed, type: location.type, span: call.span });
    const op: Extract<I.Stmt, { kind: 'op' }> = { kind: 'op', op: sig.op, location, args, result: null, span: call.span };
    return sig.order && sig.order !== 'full' ? { ...op, order: sig.order } : op;
  }

  private callStmt(call: Extract<A.Expr, { kind: 'call' }>, span: Span, scope: Scope, place: Place): I.Stmt {
    const name = call.callee.name;
    if (FENCES.has(name)) {
      if (call.args.length) fail(`${name}() takes no arguments`, call.span);
      return { kind: 'fence', fence: name as I.FenceName, span };
    }
    if (Object.hasOwn(OPS, name)) return { ...this.op(call, scope), span };
    if (name === 'WRITE_ONCE') {
      if (call.args.length !== 2) fail(`WRITE_ONCE takes 2 arguments, not ${call.args.length}`, call.span);
      const target = this.lvalue(call.args[0], scope);
      const value = this.expr(call.args[1], scope);
      this.assignable(target.type, value.type, call.args[1].span, value);
      return { kind: 'assign', target, value, span };
    }
    if (name === 'READ_ONCE') {
      this.expr(call, scope);
      return { kind: 'skip', span }; // a read whose value is dropped changes nothing under sc
    }
    const entry = this.m.entries.get(name);
    if (entry?.kind !== 'inline') {
      if (entry || name === 'done') fail(`'${name}' is not a statement`, call.callee.span);
      fail(`unknown operation or inline '${name}'`, call.callee.span, 'unknown-name');
    }
    const decl = entry.decl;
    if (place.inlineStack.includes(name)) fail(`inline '${name}' expands itself`, call.callee.span);
    if (place.inlineStack.length >= MAX_INLINE_DEPTH)
      fail(`inline calls nested more than ${MAX_INLINE_DEPTH} deep (docs/limits.md)`, call.callee.span, 'nesting');
    if (call.args.length !== decl.params.length) fail(`inline '${name}' takes ${decl.params.length} argument(s), not ${call.args.length}`, call.span);
    const names = new Map<string, Binding>();
    decl.params.forEach((p, i) => names.set(p.name, { kind: 'arg', expr: this.expr(call.args[i], scope) }));
    const inner: Scope = { names, parent: scope };
    const n = (this.inlineExpansions.get(name) ?? 0) + 1;
    this.inlineExpansions.set(name, n);
    this.declareVars(decl.body, inner, `${name}${n > 1 ? `#${n}` : ''}.`);
    const body = this.stmts(decl.body, inner, { ...place, inline: 'inside', inlineStack: [...place.inlineStack, name], returnLeavesSymFor: false });
    return { kind: 'inline', name, body, span };
  }

  /**
   * The body of `for d: T` over a symmetric type runs once per value of T in a fixed order,
   * inside one atomic step. Renaming the values must not change what the loop does, so its
   * iterations must commute: each one may store only to places indexed by its own `d` (at one
   * position of the path, the same for every access to that location), and a location stored
   * to in the loop may be read only at that same index. Then no iteration reads or writes
   * what another one writes, and every order of the iterations gives the same outcomes.
   * (`await`, `break` and a `return` out of the loop are refused where they stand.)
   */
  private checkSymmetricFor(slot: number, shown: string, variable: string, body: I.Stmt[]): void {
    type Step = I.Expr | number; // an index expression, or a field number
    interface Access {
      root: string; // g<global> or l<local>
      steps: Step[];
      write: boolean;
      span: Span;
    }
    const accesses: Access[] = [];
    const placeOf = (e: I.Expr): { root: string; steps: Step[] } | null => {
      if (e.kind === 'global') return { root: `g${e.global}`, steps: [] };
      if (e.kind === 'local') return { root: `l${e.local}`, steps: [] };
      if (e.kind === 'index' || e.kind === 'field') {
        const b = placeOf(e.base);
        if (!b) return null;
        return { root: b.root, steps: [...b.steps, e.kind === 'index' ? e.index : e.field] };
      }
      return null;
    };
    const place = (e: I.Expr, write: boolean): void => {
      const pl = placeOf(e);
      if (!pl) throw new Error('internal: not a place');
      accesses.push({ ...pl, write, span: e.span });
      for (const st of pl.steps) if (typeof st !== 'number') expr(st);
    };
    const expr = (e: I.Expr | null): void => {
      if (!e) return;
      if (placeOf(e)) return place(e, false);
      switch (e.kind) {
        case 'index':
          expr(e.base);
          return expr(e.index);
        case 'field':
          return expr(e.base);
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
          // A local of this process read through p[i].v: possibly the running instance's own.
          if (e.process === this.processIndex) accesses.push({ root: `l${e.local}`, steps: [], write: false, span: e.span });
          return expr(e.instance);
        case 'procAt':
        case 'procDone':
          return expr(e.instance);
        default:
          return;
      }
    };
    const stmts = (list: I.Stmt[]): void => {
      for (const x of list) {
        switch (x.kind) {
          case 'assign':
            expr(x.value);
            place(x.target, true);
            break;
          case 'any':
            place(x.target, true);
            break;
          case 'op':
            place(x.location, x.op !== 'smp_load_acquire');
            x.args.forEach(expr);
            if (x.result) place(x.result, true);
            break;
          case 'await':
          case 'assert':
            expr(x.cond);
            break;
          case 'if':
            expr(x.cond);
            stmts(x.then);
            stmts(x.else);
            break;
          case 'while':
            expr(x.cond);
            stmts(x.body);
            break;
          case 'loop':
          case 'for':
          case 'inline':
          case 'atomic':
            stmts(x.body);
            break;
          case 'either':
            x.branches.forEach(stmts);
            break;
          default:
            break;
        }
      }
    };
    stmts(body);
    const mine = (st: Step | undefined): boolean => st !== undefined && typeof st !== 'number' && st.kind === 'bound' && st.slot === slot;
    const levels = (a: Access): number[] => a.steps.flatMap((st, i) => (mine(st) ? [i] : []));
    const rootName = (root: string): string => {
      const i = Number(root.slice(1));
      return root[0] === 'g' ? this.m.globals[i].name : this.locals[i].name;
    };
    const written = new Map<string, number[]>(); // root -> the levels every store to it has d at
    for (const a of accesses) {
      if (!a.write) continue;
      const own = levels(a);
      const before = written.get(a.root);
      const common = before ? before.filter((l) => own.includes(l)) : own;
      if (!common.length) {
        const rule = own.length
          ? `every store to '${rootName(a.root)}' must have ${variable} at the same place among its indices`
          : `a store must go to an element indexed by ${variable} (like a[${variable}])`;
        fail(`inside '${shown}', ${rule}: storing to '${spanText(a.span)}' here would make the outcome depend on the order of the iterations`, a.span);
      }
      written.set(a.root, common);
    }
    for (const a of accesses) {
      const lv = written.get(a.root);
      if (!lv || a.write) continue;
      if (!lv.some((l) => mine(a.steps[l])))
        fail(
          `inside '${shown}', '${rootName(a.root)}' is stored to at index ${variable}, so it may be read only at index ${variable}: reading '${spanText(a.span)}' here would make the outcome depend on the order of the iterations`,
          a.span,
        );
    }
  }

  // ---- expressions -------------------------------------------------------------------
  boolExpr(e: A.Expr, scope: Scope | null): I.Expr {
    const c = this.expr(e, scope);
    if (c.type.kind !== 'bool') fail(`expected a bool, found ${I.showType(c.type)}`, e.span);
    return c;
  }

  intExpr(e: A.Expr, scope: Scope | null): I.Expr {
    const c = this.expr(e, scope);
    if (c.type.kind !== 'int') fail(`expected an integer, found ${I.showType(c.type)}`, e.span);
    const sym = symmetricOf(c.type);
    if (sym !== undefined) fail(`a value of symmetric type ${sym} cannot be converted to an integer: expected an integer, found ${sym}`, e.span);
    return c;
  }

  private lvalue(e: A.Expr, scope: Scope | null): I.Expr {
    const c = this.expr(e, scope);
    const ok = (x: I.Expr): boolean => x.kind === 'global' || x.kind === 'local' || ((x.kind === 'index' || x.kind === 'field') && ok(x.base));
    if (!ok(c)) fail(`cannot assign to '${spanText(e.span)}'`, e.span);
    return c;
  }

  /**
   * Whether a value of type `source` (the expression `value`, when there is one) may be stored
   * in `target` (ranges are checked at run time). A value of a symmetric type goes only where
   * that same symmetric type is expected, and only there.
   */
  assignable(target: I.Type, source: I.Type, span: Span, value?: I.Expr): void {
    const sym = symmetricMismatch(target, source, value);
    if (sym) fail(sym, value?.span ?? span);
    // A scalar int may go into any int location: its range is checked when it is stored.
    // Inside an array or struct copied whole there is no such check, so the types must match.
    const same = (a: I.Type, b: I.Type, whole = false): boolean => {
      if (a.kind === 'int' || b.kind === 'int') return a.kind === b.kind && symmetricOf(a) === symmetricOf(b) && (!whole || I.showType(a) === I.showType(b));
      if (a.kind !== b.kind) return false;
      if (a.kind === 'enum' || a.kind === 'struct') return a.name === (b as typeof a).name;
      if (a.kind === 'array') {
        const bb = b as typeof a;
        return I.showType(a.index) === I.showType(bb.index) && same(a.elem, bb.elem, true);
      }
      return true;
    };
    if (!same(target, source)) fail(`expected ${I.showType(target)}, found ${I.showType(source)}`, span);
  }

  private lookup(name: string, scope: Scope | null): Binding | undefined {
    for (let s = scope; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  }

  /** `p` or `p[i]` naming a process instance, unless the name is shadowed. */
  private processRef(e: A.Expr, scope: Scope | null): { process: number; instance: I.Expr | null } | undefined {
    const nameOf = e.kind === 'name' ? e : e.kind === 'index' && e.base.kind === 'name' ? e.base : undefined;
    if (!nameOf || this.lookup(nameOf.name, scope)) return undefined;
    const entry = this.m.entries.get(nameOf.name);
    if (entry?.kind !== 'process') return undefined;
    const paramType = this.m.processParamTypes[entry.index];
    if (e.kind === 'name') {
      if (entry.decl.param) fail(`process '${nameOf.name}' has one instance per ${entry.decl.param.name.name}: write ${nameOf.name}[i]`, e.span);
      return { process: entry.index, instance: null };
    }
    if (!entry.decl.param) fail(`process '${nameOf.name}' has a single instance: write ${nameOf.name} without an index`, e.span);
    const idx = this.expr((e as Extract<A.Expr, { kind: 'index' }>).index, scope);
    const idxSpan = (e as Extract<A.Expr, { kind: 'index' }>).index.span;
    const sym = paramType && symmetricOf(idx.type);
    if (paramType && sym !== undefined && symmetricOf(paramType) === undefined)
      fail(`the instances of '${nameOf.name}' are numbered by ${I.showType(paramType)}, an integer: a value of symmetric type ${sym} cannot name one`, idxSpan);
    if (paramType) this.assignable(paramType, idx.type, idxSpan, idx);
    return { process: entry.index, instance: idx };
  }

  expr(e: A.Expr, scope: Scope | null): I.Expr {
    const span = e.span;
    switch (e.kind) {
      case 'int':
        // Up to 2^31: `-2147483648` is a minus applied to one.
        if (!(e.value <= 2 ** 31)) fail(`the integer ${spanText(span)} does not fit in 32 bits (at most ${2 ** 31 - 1})`, span, 'const');
        return { kind: 'lit', value: e.value, type: INT, span };
      case 'bool':
        return { kind: 'lit', value: e.value ? 1 : 0, type: BOOL, span };
      case 'name':
        return this.name(e, scope);
      case 'unary': {
        const arg = this.expr(e.arg, scope);
        const sym = symmetricOf(arg.type);
        if (e.op === '-' && sym !== undefined) fail(`a value of symmetric type ${sym} cannot be used in arithmetic ('-')`, e.arg.span);
        const want = e.op === '!' ? 'bool' : 'int';
        if (arg.type.kind !== want) fail(`'${e.op}' needs ${want === 'bool' ? 'a bool' : 'an integer'}, found ${I.showType(arg.type)}`, e.arg.span);
        return { kind: 'unary', op: e.op, arg, type: want === 'bool' ? BOOL : INT, span };
      }
      case 'binary':
        return this.binary(e, scope);
      case 'cond': {
        const test = this.boolExpr(e.test, scope);
        const then = this.expr(e.then, scope);
        const els = this.expr(e.else, scope);
        // Both arms of one symmetric type, or neither: a literal or an integer never mixes in.
        const ts = symmetricOf(then.type);
        const es = symmetricOf(els.type);
        if (ts !== es) {
          const [lit, other] = ts === undefined ? [then, es] : [els, ts];
          if (ts !== undefined && es !== undefined) fail(`symmetric types ${ts} and ${es} do not mix: the arms of '?:' are ${ts} and ${es}`, e.else.span);
          if (isLiteral(lit)) fail(`a value of symmetric type ${other} cannot be written as a literal ('${spanText(lit.span)}')`, lit.span);
          fail(`the arms of '?:' must both be of symmetric type ${other} or both not: found ${I.showType(then.type)} and ${I.showType(els.type)}`, e.else.span);
        }
        this.assignable(then.type, els.type, e.else.span);
        if (!I.isScalar(then.type)) fail('a conditional expression must have a scalar value', span);
        // A result of a symmetric type keeps it (and its range); other integers are unbounded.
        const type = then.type.kind === 'int' ? (ts !== undefined ? then.type : INT) : then.type;
        return { kind: 'cond', test, then, else: els, type, span };
      }
      case 'index': {
        const base = this.expr(e.base, scope);
        if (base.type.kind !== 'array') fail(`'${spanText(e.base.span)}' is not an array`, e.base.span);
        const t = base.type as Extract<I.Type, { kind: 'array' }>;
        const index = this.expr(e.index, scope);
        const is = symmetricOf(index.type);
        if (is !== undefined && t.index.kind === 'int' && symmetricOf(t.index) === undefined)
          fail(
            `'${spanText(e.base.span)}' is indexed by ${I.showType(t.index)}, an integer: a value of symmetric type ${is} can index only an array indexed by ${is}`,
            e.index.span,
          );
        this.assignable(t.index, index.type, e.index.span, index);
        return { kind: 'index', base, index, type: t.elem, span };
      }
      case 'field': {
        const ref = this.processRef(e.base, scope);
        if (ref) {
          const decl = this.m.processDecls[ref.process];
          if (decl.param && e.field.name === decl.param.name.name && this.m.processParamTypes[ref.process]) {
            return ref.instance ?? fail('unreachable', span);
          }
          const local = this.processLocal(ref.process, e.field);
          return { kind: 'procLocal', process: ref.process, instance: ref.instance, local: local.index, type: local.type, span };
        }
        const base = this.expr(e.base, scope);
        if (base.type.kind !== 'struct') fail(`'${spanText(e.base.span)}' is not a struct or a process`, e.base.span);
        const t = base.type as Extract<I.Type, { kind: 'struct' }>;
        const field = t.fields.findIndex((f) => f.name === e.field.name);
        if (field < 0) fail(`${t.name} has no field '${e.field.name}'`, e.field.span, 'unknown-name');
        return { kind: 'field', base, field, type: t.fields[field].type, span };
      }
      case 'at': {
        const ref = this.processRef(e.base, scope);
        if (!ref) fail(`'@' needs a process instance on its left, like p@L or p[i]@L`, e.base.span);
        if (!this.m.processLabels[ref!.process].has(e.label.name))
          fail(`process '${this.m.processDecls[ref!.process].name.name}' has no label '${e.label.name}'`, e.label.span, 'unknown-name');
        return { kind: 'procAt', process: ref!.process, instance: ref!.instance, label: e.label.name, type: BOOL, span };
      }
      case 'call':
        return this.callExpr(e, scope);
      case 'any':
        return fail('any(T) can only stand alone on the right of an assignment: x = any(T);', span);
      case 'quant': {
        const over = this.m.scalarType(e.type, 'a quantifier range');
        const size = I.typeSize(over);
        if (size > MAX_DOMAIN)
          fail(`a quantifier over ${size.toLocaleString('en-US')} values: at most ${MAX_DOMAIN.toLocaleString('en-US')} (docs/limits.md)`, e.type.span, 'size');
        const work = this.quantWork * size;
        if (work > MAX_QUANTIFIER_WORK)
          fail(
            `nested quantifiers enumerate ${work.toLocaleString('en-US')} values: at most ${MAX_QUANTIFIER_WORK.toLocaleString('en-US')} (docs/limits.md)`,
            e.type.span,
            'size',
          );
        const slot = this.slotCount++;
        const inner: Scope = { names: new Map([[e.variable.name, { kind: 'bound', slot, type: over }]]), parent: scope };
        const outerWork = this.quantWork;
        this.quantWork = work;
        let body: I.Expr;
        try {
          body = this.expr(e.body, inner);
        } finally {
          this.quantWork = outerWork;
        }
        const want = e.q === 'sum' ? 'int' : 'bool';
        if (body.type.kind !== want) fail(`the body of '${e.q}' must be ${want === 'int' ? 'an integer' : 'a bool'}`, e.body.span);
        const bs = symmetricOf(body.type);
        if (bs !== undefined) fail(`the body of 'sum' must be an integer, and a value of symmetric type ${bs} cannot be converted to one`, e.body.span);
        return { kind: 'quant', q: e.q, slot, over, body, type: e.q === 'forall' || e.q === 'exists' ? BOOL : INT, span };
      }
      default:
        return A.assertNever(e);
    }
  }

  private processLocal(process: number, field: A.Ident): { index: number; type: I.Type } {
    // Locals of another process are known only after it is checked; look them up syntactically.
    const decl = this.m.processDecls[process];
    const vars: Extract<A.Stmt, { kind: 'var' }>[] = [];
    const visit = (s: A.Stmt): void => {
      if (s.kind === 'var') vars.push(s);
      else if (s.kind === 'label') visit(s.stmt);
      else if (s.kind === 'if') [...s.then, ...(s.else ?? [])].forEach(visit);
      else if (s.kind === 'while' || s.kind === 'loop' || s.kind === 'for' || s.kind === 'atomic') s.body.forEach(visit);
      else if (s.kind === 'either') s.branches.forEach((b) => b.forEach(visit));
    };
    decl.body.forEach(visit);
    const index = vars.findIndex((v) => v.name.name === field.name);
    if (index < 0) fail(`process '${decl.name.name}' has no local '${field.name}'`, field.span, 'unknown-name');
    return { index, type: this.m.resolveType(vars[index].type) };
  }

  private name(e: Extract<A.Expr, { kind: 'name' }>, scope: Scope | null): I.Expr {
    const span = e.span;
    const b = this.lookup(e.name, scope);
    if (b) {
      switch (b.kind) {
        case 'bound':
          return { kind: 'bound', slot: b.slot, type: b.type, span };
        case 'arg':
          return b.expr;
        case 'local':
          return { kind: 'local', local: b.local, type: b.type, span };
        case 'param':
          return { kind: 'param', type: b.type, span };
      }
    }
    const entry = this.m.entries.get(e.name);
    if (!entry) return fail(`unknown name '${e.name}'`, span, 'unknown-name');
    switch (entry.kind) {
      case 'const': {
        const c = this.m.constant(entry.decl);
        return { kind: 'lit', value: c.value, type: c.type, span };
      }
      case 'member':
        return { kind: 'lit', value: entry.index, type: entry.type, span };
      case 'location': {
        const g = this.m.globals[entry.index];
        if (!g) return fail(`'${e.name}' is used before its declaration could be checked`, span);
        return { kind: 'global', global: entry.index, type: g.type, span };
      }
      case 'process':
        return fail(`process '${e.name}' is not a value (use ${e.name}.v, ${e.name}@L or done(${e.name}))`, span);
      default:
        return fail(`'${e.name}' is ${entry.kind === 'inline' ? 'an inline' : `a ${entry.kind}`}, not a value`, span);
    }
  }

  private callExpr(e: Extract<A.Expr, { kind: 'call' }>, scope: Scope | null): I.Expr {
    const name = e.callee.name;
    if (name === 'READ_ONCE') {
      if (e.args.length !== 1) fail(`READ_ONCE takes 1 argument, not ${e.args.length}`, e.span);
      return this.lvalue(e.args[0], scope);
    }
    if (name === 'done') {
      const ref = e.args.length === 1 ? this.processRef(e.args[0], scope) : undefined;
      if (!ref) fail('done() takes one process instance, like done(p) or done(p[i])', e.span);
      return { kind: 'procDone', process: ref!.process, instance: ref!.instance, type: BOOL, span: e.span };
    }
    if (Object.hasOwn(OPS, name) || name === 'WRITE_ONCE') fail(`${name} is a step of its own: use it as a statement or as 'x = ${name}(...);'`, e.span);
    if (FENCES.has(name)) fail(`${name}() is a statement, not a value`, e.span);
    const entry = this.m.entries.get(name);
    if (entry?.kind === 'inline') fail(`inline '${name}' is a statement, not a value`, e.span);
    return fail(`unknown function '${name}'`, e.callee.span, 'unknown-name');
  }

  private binary(e: Extract<A.Expr, { kind: 'binary' }>, scope: Scope | null): I.Expr {
    const left = this.expr(e.left, scope);
    const right = this.expr(e.right, scope);
    const span = e.span;
    const need = (x: I.Expr, src: A.Expr, kind: 'bool' | 'int') => {
      if (x.type.kind !== kind) fail(`'${e.op}' needs ${kind === 'bool' ? 'bools' : 'integers'}, found ${I.showType(x.type)}`, src.span);
      const sym = symmetricOf(x.type);
      if (sym !== undefined) fail(`a value of symmetric type ${sym} cannot be used in arithmetic or ordering ('${e.op}'): only == and != compare it`, src.span);
    };
    switch (e.op) {
      case '&&':
      case '||':
      case '=>':
        need(left, e.left, 'bool');
        need(right, e.right, 'bool');
        return { kind: 'binary', op: e.op, left, right, type: BOOL, span };
      case '==':
      case '!=': {
        if (!I.isScalar(left.type)) fail(`'${e.op}' compares scalars, not ${I.showType(left.type)}`, e.left.span);
        const ls = symmetricOf(left.type);
        const rs = symmetricOf(right.type);
        if (ls !== rs && left.type.kind === 'int' && right.type.kind === 'int') {
          if (ls !== undefined && rs !== undefined) fail(`symmetric types ${ls} and ${rs} do not mix: '${e.op}' compares ${ls} with ${rs}`, span);
          const [other, sym] = ls === undefined ? [left, rs!] : [right, ls];
          if (isLiteral(other))
            fail(
              `a value of symmetric type ${sym} cannot be compared with a literal ('${spanText(other.span)}'): it may be compared only with another value of ${sym}`,
              other.span,
            );
          if (other.kind === 'lit')
            fail(`a value of symmetric type ${sym} cannot be compared with an integer: '${spanText(other.span)}' is an integer constant`, other.span);
          fail(`'${e.op}' compares a value of symmetric type ${sym} only with another value of ${sym}, not with ${I.showType(other.type)}`, other.span);
        }
        if (!I.isScalar(right.type) || I.showType(left.type) !== I.showType(right.type)) {
          const sameKind = left.type.kind === 'int' && right.type.kind === 'int';
          if (!sameKind) fail(`'${e.op}' compares values of one type, not ${I.showType(left.type)} and ${I.showType(right.type)}`, e.span);
        }
        return { kind: 'binary', op: e.op, left, right, type: BOOL, span };
      }
      case '<':
      case '<=':
      case '>':
      case '>=':
        need(left, e.left, 'int');
        need(right, e.right, 'int');
        return { kind: 'binary', op: e.op, left, right, type: BOOL, span };
      default:
        need(left, e.left, 'int');
        need(right, e.right, 'int');
        return { kind: 'binary', op: e.op, left, right, type: INT, span };
    }
  }
}

/** True when a condition reads only constants, the instance parameter and its own bound variables. */
export function foldable(e: I.Expr, own: Set<number> = new Set()): boolean {
  switch (e.kind) {
    case 'lit':
    case 'param':
      return true;
    case 'bound':
      return own.has(e.slot);
    case 'unary':
      return foldable(e.arg, own);
    case 'binary':
      return foldable(e.left, own) && foldable(e.right, own);
    case 'cond':
      return foldable(e.test, own) && foldable(e.then, own) && foldable(e.else, own);
    case 'quant':
      return foldable(e.body, new Set([...own, e.slot]));
    default:
      return false;
  }
}
