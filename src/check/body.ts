// Checks expressions and statements: resolves names in scopes, types every node, expands
// inline calls, and lowers built-in calls to the checked IR.
import * as A from '../parse/ast.ts';
import { diag, DiagnosticError } from '../parse/diagnostic.ts';
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
}

const INT: I.Type = { kind: 'int', lo: -Infinity, hi: Infinity };
const BOOL: I.Type = { kind: 'bool' };
const FENCES = new Set<string>(['smp_mb', 'smp_wmb', 'smp_rmb', 'dsb', 'isb']);
const OPS: Record<string, { args: number; kind: 'any' | 'int' | 'bool' }> = {
  xchg: { args: 2, kind: 'any' },
  cmpxchg: { args: 3, kind: 'any' },
  fetch_add: { args: 2, kind: 'int' },
  fetch_sub: { args: 2, kind: 'int' },
  set_bit: { args: 1, kind: 'bool' },
  clear_bit: { args: 1, kind: 'bool' },
  test_and_set_bit: { args: 1, kind: 'bool' },
  test_and_clear_bit: { args: 1, kind: 'bool' },
  smp_load_acquire: { args: 1, kind: 'any' },
  smp_store_release: { args: 2, kind: 'any' },
};

function fail(message: string, span: Span, code = 'type'): never {
  throw new DiagnosticError(diag(code, message, span));
}

export class BodyChecker {
  private slotCount = 0;
  private locals: I.Local[] = [];
  private paramType: I.ScalarType | null = null;
  private inlineExpansions = new Map<string, number>();

  constructor(private readonly m: ModelChecker) {}

  // ---- processes and invariants ------------------------------------------------------
  process(decl: Extract<A.Decl, { kind: 'process' }>, index: number): I.Process | undefined {
    this.slotCount = 0;
    this.locals = [];
    this.inlineExpansions = new Map();
    const before = this.m.diagnostics.length;
    const scope: Scope = { names: new Map(), parent: null };
    this.paramType = this.m.processParamTypes[index];
    if (decl.param && this.paramType) scope.names.set(decl.param.name.name, { kind: 'param', type: this.paramType });
    this.declareVars(decl.body, scope, '');
    const place: Place = { loop: 'none', inline: 'none', atomic: false, inlineStack: [] };
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
    const expr = this.m.guard(() => this.boolExpr(decl.expr, null));
    if (!expr) return undefined;
    return { name: decl.name.name, expr, boundSlots: this.slotCount, span: decl.span };
  }

  /** Checked like an invariant: both sides are bools over what an invariant may read. */
  property(decl: Extract<A.Decl, { kind: 'property' }>): I.Property | undefined {
    this.slotCount = 0;
    this.paramType = null;
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
    switch (s.kind) {
      case 'assign':
        out.push(this.assign(s, scope));
        return;
      case 'call':
        out.push(this.callStmt(s.call, s.span, scope, place));
        return;
      case 'await':
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
        const inner: Place = { ...place, loop: 'inside' };
        out.push({ kind: 'while', cond, foldable: foldable(cond), body: this.stmts(s.body, scope, inner), span: s.span });
        return;
      }
      case 'loop':
        out.push({ kind: 'loop', body: this.stmts(s.body, scope, { ...place, loop: 'inside' }), span: s.span });
        return;
      case 'for': {
        const over = this.m.scalarType(s.type, 'a loop range');
        const slot = this.slotCount++;
        const inner: Scope = { names: new Map([[s.variable.name, { kind: 'bound', slot, type: over }]]), parent: scope };
        out.push({ kind: 'for', slot, over, body: this.stmts(s.body, inner, { ...place, loop: 'inside' }), span: s.span });
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
        out.push({ kind: s.kind, span: s.span });
        return;
      case 'return':
        if (place.inline === 'none') fail("'return' outside an inline", s.span, 'syntax');
        if (place.inline === 'beyond-atomic') fail("'return' cannot leave an atomic block", s.span, 'syntax');
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
      this.assignable(target.type, over, v.span);
      return { kind: 'any', target, over, span: s.span };
    }
    if (v.kind === 'call' && Object.hasOwn(OPS, v.callee.name)) {
      if (v.callee.name === 'smp_store_release') fail('smp_store_release() returns no value: use it as a statement', v.span);
      const op = this.op(v, scope);
      this.assignable(target.type, op.location.type, s.value.span);
      return { ...op, result: target, span: s.span };
    }
    const value = this.expr(v, scope);
    this.assignable(target.type, value.type, v.span);
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
    const args = call.args.slice(1).map((a) => {
      const e = this.expr(a, scope);
      this.assignable(location.type, e.type, a.span);
      return e;
    });
    return { kind: 'op', op: name as I.OpName, location, args, result: null, span: call.span };
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
      this.assignable(target.type, value.type, call.args[1].span);
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
    if (call.args.length !== decl.params.length) fail(`inline '${name}' takes ${decl.params.length} argument(s), not ${call.args.length}`, call.span);
    const names = new Map<string, Binding>();
    decl.params.forEach((p, i) => names.set(p.name, { kind: 'arg', expr: this.expr(call.args[i], scope) }));
    const inner: Scope = { names, parent: scope };
    const n = (this.inlineExpansions.get(name) ?? 0) + 1;
    this.inlineExpansions.set(name, n);
    this.declareVars(decl.body, inner, `${name}${n > 1 ? `#${n}` : ''}.`);
    const body = this.stmts(decl.body, inner, { ...place, inline: 'inside', inlineStack: [...place.inlineStack, name] });
    return { kind: 'inline', name, body, span };
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
    return c;
  }

  private lvalue(e: A.Expr, scope: Scope | null): I.Expr {
    const c = this.expr(e, scope);
    const ok = (x: I.Expr): boolean => x.kind === 'global' || x.kind === 'local' || ((x.kind === 'index' || x.kind === 'field') && ok(x.base));
    if (!ok(c)) fail(`cannot assign to '${spanText(e.span)}'`, e.span);
    return c;
  }

  /** Whether a value of type `source` may be stored in `target` (ranges are checked at run time). */
  assignable(target: I.Type, source: I.Type, span: Span): void {
    // A scalar int may go into any int location: its range is checked when it is stored.
    // Inside an array or struct copied whole there is no such check, so the types must match.
    const same = (a: I.Type, b: I.Type, whole = false): boolean => {
      if (a.kind === 'int' || b.kind === 'int') return a.kind === b.kind && (!whole || I.showType(a) === I.showType(b));
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
    if (paramType) this.assignable(paramType, idx.type, (e as Extract<A.Expr, { kind: 'index' }>).index.span);
    return { process: entry.index, instance: idx };
  }

  expr(e: A.Expr, scope: Scope | null): I.Expr {
    const span = e.span;
    switch (e.kind) {
      case 'int':
        return { kind: 'lit', value: e.value, type: INT, span };
      case 'bool':
        return { kind: 'lit', value: e.value ? 1 : 0, type: BOOL, span };
      case 'name':
        return this.name(e, scope);
      case 'unary': {
        const arg = this.expr(e.arg, scope);
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
        this.assignable(then.type, els.type, e.else.span);
        if (!I.isScalar(then.type)) fail('a conditional expression must have a scalar value', span);
        return { kind: 'cond', test, then, else: els, type: then.type.kind === 'int' ? INT : then.type, span };
      }
      case 'index': {
        const base = this.expr(e.base, scope);
        if (base.type.kind !== 'array') fail(`'${spanText(e.base.span)}' is not an array`, e.base.span);
        const t = base.type as Extract<I.Type, { kind: 'array' }>;
        const index = this.expr(e.index, scope);
        this.assignable(t.index, index.type, e.index.span);
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
        const slot = this.slotCount++;
        const inner: Scope = { names: new Map([[e.variable.name, { kind: 'bound', slot, type: over }]]), parent: scope };
        const body = this.expr(e.body, inner);
        const want = e.q === 'sum' ? 'int' : 'bool';
        if (body.type.kind !== want) fail(`the body of '${e.q}' must be ${want === 'int' ? 'an integer' : 'a bool'}`, e.body.span);
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
    };
    switch (e.op) {
      case '&&':
      case '||':
      case '=>':
        need(left, e.left, 'bool');
        need(right, e.right, 'bool');
        return { kind: 'binary', op: e.op, left, right, type: BOOL, span };
      case '==':
      case '!=':
        if (!I.isScalar(left.type)) fail(`'${e.op}' compares scalars, not ${I.showType(left.type)}`, e.left.span);
        if (!I.isScalar(right.type) || I.showType(left.type) !== I.showType(right.type)) {
          const sameKind = left.type.kind === 'int' && right.type.kind === 'int';
          if (!sameKind) fail(`'${e.op}' compares values of one type, not ${I.showType(left.type)} and ${I.showType(right.type)}`, e.span);
        }
        return { kind: 'binary', op: e.op, left, right, type: BOOL, span };
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
