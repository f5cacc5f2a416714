// How generated code reads and writes locations. A memory model decides it per step
// (src/memory): under sc every access acts on the state at once (`direct`, below); under tso
// a plain store may go to a store buffer and a load may forward from it; under arm values
// carry views. The statement and expression emitters ask the Access of their context and
// never which memory model they are in.
import type * as I from '../check/ir.ts';
import type { CodeWriter } from './code-writer.ts';
import { emitAddress, emitExpr, type ExprContext } from './emit-expr.ts';
import { slotCount } from './layout.ts';

export type OpStmt = Extract<I.Stmt, { kind: 'op' }>;

/** Under arm: the view of a stored value when it is not the one its expression computes, and release stores. */
export interface StoreHow {
  readonly view?: string;
  readonly release?: boolean;
}

export interface Access {
  /** JS for the value of the scalar location `e`, whose slot offset is the JS `addr`. */
  read(e: I.Expr, addr: string, ctx: ExprContext): string;
  /** Writes a store of the JS `value` into the scalar location `target`, with its range check. */
  store(w: CodeWriter, target: I.Expr, value: string, ctx: ExprContext, how?: StoreHow): void;
  /** Writes a copy of a whole array or struct (`target = value`, both locations). */
  copy(w: CodeWriter, target: I.Expr, value: I.Expr, ctx: ExprContext): void;
  /**
   * Writes an operation (read-modify-write, acquire load, release store). `discard` is the
   * JS label to leave when the path is not enabled (`await try_cmpxchg` that fails).
   */
  op(w: CodeWriter, s: OpStmt, ctx: ExprContext, discard: string): void;
  /** Writes what a barrier does (nothing, when it orders nothing here). */
  fence(w: CodeWriter, f: I.FenceName, ctx: ExprContext): void;
  /** Reads change the state, so `forall` and `exists` read every element rather than stop early. */
  readonly readsEveryElement?: boolean;
}

export function spanText(e: { span: I.Expr['span'] }): string {
  return e.span.file.text.slice(e.span.start, e.span.end);
}

/** The runtime's message for a store out of range: `%v` is replaced by the value. */
export function rangeMessage(target: I.Expr, t: Extract<I.Type, { kind: 'int' }>, ctx: ExprContext): string {
  return ctx.tables.message(`${spanText(target)} = %v is outside ${t.lo}..${t.hi}`);
}

/** JS for `value` checked against the range of type `t` (bools become 0/1). */
export function checkedValue(value: string, t: I.Type, target: I.Expr, ctx: ExprContext): string {
  if (t.kind === 'int') return `$st(${value}, ${t.lo}, ${t.hi}, ${rangeMessage(target, t, ctx)})`;
  return t.kind === 'bool' ? `((${value}) ? 1 : 0)` : value;
}

/** Every access acts on the state at once, in program order (sequential consistency). */
export const direct: Access = {
  read(_e, addr, ctx) {
    return `${ctx.arr}[${ctx.base} + ${addr}]`;
  },

  store(w, target, value, ctx) {
    const t = target.type;
    const addr = emitAddress(target, ctx);
    const at = `${ctx.arr}[${ctx.base} + ${addr}]`;
    if (t.kind === 'int') w.line(`{ const $v = ${value}; ${at} = $st($v, ${t.lo}, ${t.hi}, ${rangeMessage(target, t, ctx)}); }`);
    else if (t.kind === 'bool') w.line(`${at} = (${value}) ? 1 : 0;`);
    else w.line(`${at} = ${value};`);
  },

  copy(w, target, value, ctx) {
    const n = slotCount(target.type);
    const A = ctx.arr;
    const B = ctx.base;
    w.line(`{ const t = ${emitAddress(target, ctx)}, f = ${emitAddress(value, ctx)}, tmp = ${A}.slice(${B} + f, ${B} + f + ${n}); ${A}.set(tmp, ${B} + t); }`);
  },

  op(w, s, ctx, discard) {
    const loc = `${ctx.arr}[${ctx.base} + a]`;
    const args = s.args.map((a) => emitExpr(a, ctx));
    const t = s.location.type;
    const store = (value: string): string => {
      if (t.kind === 'int') return `${loc} = $st(${value}, ${t.lo}, ${t.hi}, ${rangeMessage(s.location, t, ctx)});`;
      return t.kind === 'bool' ? `${loc} = (${value}) ? 1 : 0;` : `${loc} = ${value};`;
    };
    let body: string;
    switch (s.op) {
      case 'xchg':
        body = `const x0 = ${args[0]}; ${store('x0')}`;
        break;
      case 'cmpxchg':
      case 'try_cmpxchg':
        // `await try_cmpxchg(...)` is not enabled when the comparison fails.
        if (s.wait) body = `const x0 = ${args[0]}, x1 = ${args[1]}; if (old !== +x0) break ${discard}; ${store('x1')}`;
        else body = `const x0 = ${args[0]}, x1 = ${args[1]}; if (old === +x0) { ${store('x1')} }`;
        break;
      case 'add_unless':
        body = `const x0 = ${args[0]}, x1 = ${args[1]}; if (old !== +x1) { ${store('old + x0')} }`;
        break;
      case 'fetch_add':
      case 'add_return':
        body = store(`old + ${args[0]}`);
        break;
      case 'fetch_sub':
      case 'sub_return':
        body = store(`old - ${args[0]}`);
        break;
      case 'set_bit':
      case 'test_and_set_bit':
        body = `${loc} = 1;`;
        break;
      case 'clear_bit':
      case 'test_and_clear_bit':
        body = `${loc} = 0;`;
        break;
      case 'WRITE_ONCE':
      case 'smp_store_release':
        body = store(args[0]);
        break;
      case 'smp_load_acquire':
        body = '';
        break;
    }
    w.open(`{ // ${s.op}`);
    w.line(`const a = ${emitAddress(s.location, ctx)};`);
    w.line(`const old = ${loc};`);
    if (body) w.line(body);
    if (s.result) ctx.access.store(w, s.result, opResult(s, 'old', loc), ctx);
    w.close();
  },

  fence() {},
};

/**
 * JS for what an operation returns, given JS for the old value and for the location after
 * it (its new value): the old value, except `try_cmpxchg` (whether it stored: x0 holds the
 * expected value), `add_unless` (whether it added: x1 holds the value it does not add to)
 * and `atomic_*_return` (the new value).
 */
export function opResult(s: OpStmt, old: string, after: string): string {
  if (s.op === 'try_cmpxchg') return `(${old} === +x0 ? 1 : 0)`;
  if (s.op === 'add_unless') return `(${old} !== +x1 ? 1 : 0)`;
  if (s.op === 'add_return' || s.op === 'sub_return') return after;
  return old;
}
