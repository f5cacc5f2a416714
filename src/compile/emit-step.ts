// Emits the JavaScript of one step: the action of a simple statement, or a whole atomic
// block run as a transaction on the successor's copy of the state. Nondeterminism inside an
// atomic block is a call to $choose(k); the caller enumerates choice sequences depth-first.
import * as I from '../check/ir.ts';
import { bounds, constantValue, emitAddress, emitExpr, sharedRoot, type ExprContext } from './emit-expr.ts';
import { slotCount } from './layout.ts';

interface Frame {
  readonly loops: string[]; // JS labels of enclosing loops, innermost last
  readonly inlines: string[]; // JS labels of enclosing inline blocks
  readonly discard: string; // JS label to leave when an await fails
}

let labelCounter = 0;
const fresh = (prefix: string): string => `${prefix}${labelCounter++}`;

/** A store of `value` (JS code) into the location `target`, with its range check. */
export function emitStore(target: I.Expr, value: string, ctx: ExprContext): string {
  const t = target.type;
  const addr = emitAddress(target, ctx);
  const sb = ctx.tso?.bufferStores && sharedRoot(target, ctx.model) ? ctx.layout.instances[ctx.instance!].storeBuffer : undefined;
  if (sb) {
    // Under tso a plain store goes to the end of this process's store buffer (the step is
    // enabled only when there is room); the range check is the same as for a store to memory.
    let v = value;
    if (t.kind === 'int') v = `$st(${value}, ${t.lo}, ${t.hi}, ${ctx.tables.message(`${spanText(target)} = %v is outside ${t.lo}..${t.hi}`)})`;
    else if (t.kind === 'bool') v = `((${value}) ? 1 : 0)`;
    const A = ctx.arr;
    const B = ctx.base;
    // Temporaries start with $ so that no value expression (like any()'s loop variable) is shadowed.
    return `{ const $v = ${v}; const $a = ${addr}; const $n = ${A}[${B} + ${sb.countSlot}]; ${A}[${B} + ${sb.firstEntry} + 2 * $n] = $a; ${A}[${B} + ${sb.firstEntry} + 2 * $n + 1] = $v; ${A}[${B} + ${sb.countSlot}] = $n + 1; }`;
  }
  if (t.kind === 'int') {
    const msg = ctx.tables.message(`${spanText(target)} = %v is outside ${t.lo}..${t.hi}`);
    return `{ const $v = ${value}; ${ctx.arr}[${ctx.base} + ${addr}] = $st($v, ${t.lo}, ${t.hi}, ${msg}); }`;
  }
  if (t.kind === 'bool') return `${ctx.arr}[${ctx.base} + ${addr}] = (${value}) ? 1 : 0;`;
  return `${ctx.arr}[${ctx.base} + ${addr}] = ${value};`;
}

function spanText(e: I.Expr): string {
  return e.span.file.text.slice(e.span.start, e.span.end);
}

/** Whether an atomic body can fork (contains `any` or `either`). */
export function forks(stmts: I.Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case 'any':
      case 'either':
        return true;
      case 'if':
        return forks(s.then) || forks(s.else);
      case 'while':
      case 'loop':
      case 'for':
      case 'atomic':
      case 'inline':
        return forks(s.body);
      default:
        return false;
    }
  });
}

export function emitStmts(stmts: I.Stmt[], ctx: ExprContext, frame: Frame): string {
  return stmts.map((s) => emitStmt(s, ctx, frame)).join('\n');
}

export function atomicFrame(discard: string): Frame {
  return { loops: [], inlines: [], discard };
}

export function emitStmt(s: I.Stmt, ctx: ExprContext, frame: Frame): string {
  switch (s.kind) {
    case 'assign': {
      if (!I.isScalar(s.target.type)) {
        const n = slotCount(s.target.type);
        const to = emitAddress(s.target, ctx);
        const from = emitAddress(s.value, ctx);
        return `{ const t = ${to}, f = ${from}, tmp = ${ctx.arr}.slice(${ctx.base} + f, ${ctx.base} + f + ${n}); ${ctx.arr}.set(tmp, ${ctx.base} + t); }`;
      }
      return emitStore(s.target, emitExpr(s.value, ctx), ctx);
    }
    case 'any': {
      const [lo] = bounds(s.over);
      const n = I.typeSize(s.over);
      return emitStore(s.target, `${lo} + $choose(${n})`, ctx);
    }
    case 'op':
      return emitOp(s, ctx);
    case 'await':
      return `if (!(${emitExpr(s.cond, ctx)})) break ${frame.discard};`;
    case 'assert':
      return `if (!(${emitExpr(s.cond, ctx)})) $viol('assert', ${ctx.tables.message(s.message)});`;
    case 'skip':
    case 'fence':
    case 'label':
      return '';
    case 'if': {
      const c = s.foldable ? constantValue(s.cond, ctx) : undefined;
      if (c !== undefined) return emitStmts(c ? s.then : s.else, ctx, frame);
      return `if (${emitExpr(s.cond, ctx)}) {\n${emitStmts(s.then, ctx, frame)}\n} else {\n${emitStmts(s.else, ctx, frame)}\n}`;
    }
    case 'while': {
      const l = fresh('L');
      const inner = { ...frame, loops: [...frame.loops, l] };
      return `${l}: while (${emitExpr(s.cond, ctx)}) {\n$tick(${s.body.length + 1});\n${emitStmts(s.body, ctx, inner)}\n}`;
    }
    case 'loop': {
      const l = fresh('L');
      const inner = { ...frame, loops: [...frame.loops, l] };
      return `${l}: for (;;) {\n$tick(${Math.max(1, s.body.length)});\n${emitStmts(s.body, ctx, inner)}\n}`;
    }
    case 'for': {
      const l = fresh('L');
      const [lo, hi] = bounds(s.over);
      const inner = { ...frame, loops: [...frame.loops, l] };
      const b = `b${s.slot}`;
      const env = [...ctx.env];
      env[s.slot] = undefined;
      const innerCtx = { ...ctx, env };
      return `${l}: for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) {\n$tick(${Math.max(1, s.body.length)});\n${emitStmts(s.body, innerCtx, inner)}\n}`;
    }
    case 'either': {
      const cases = s.branches.map((b, i) => `case ${i}: {\n${emitStmts(b, ctx, frame)}\nbreak;\n}`);
      return `switch ($choose(${s.branches.length})) {\n${cases.join('\n')}\n}`;
    }
    case 'atomic':
      return emitStmts(s.body, ctx, frame);
    case 'break':
      return `break ${frame.loops[frame.loops.length - 1]};`;
    case 'continue':
      return `continue ${frame.loops[frame.loops.length - 1]};`;
    case 'inline': {
      const l = fresh('I');
      return `${l}: {\n${emitStmts(s.body, ctx, { ...frame, inlines: [...frame.inlines, l] })}\n}`;
    }
    case 'return':
      return `break ${frame.inlines[frame.inlines.length - 1]};`;
    default:
      return I.assertNeverStmt(s);
  }
}

function emitOp(s: Extract<I.Stmt, { kind: 'op' }>, ctx: ExprContext): string {
  const loc = `${ctx.arr}[${ctx.base} + a]`;
  const args = s.args.map((a) => emitExpr(a, ctx));
  const store = (value: string): string => {
    const t = s.location.type;
    if (t.kind === 'int') {
      const msg = ctx.tables.message(`${spanText(s.location)} = %v is outside ${t.lo}..${t.hi}`);
      return `${loc} = $st(${value}, ${t.lo}, ${t.hi}, ${msg});`;
    }
    return t.kind === 'bool' ? `${loc} = (${value}) ? 1 : 0;` : `${loc} = ${value};`;
  };
  let body: string;
  switch (s.op) {
    case 'xchg':
      body = `const x0 = ${args[0]}; ${store('x0')}`;
      break;
    case 'cmpxchg':
      body = `const x0 = ${args[0]}, x1 = ${args[1]}; if (old === +x0) { ${store('x1')} }`;
      break;
    case 'fetch_add':
      body = store(`old + ${args[0]}`);
      break;
    case 'fetch_sub':
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
  const result = s.result ? emitStore(s.result, 'old', ctx) : '';
  return `{ const a = ${emitAddress(s.location, ctx)}; const old = ${loc}; ${body} ${result} }`;
}
