// Emits the JavaScript of one step: the action of a simple statement, or a whole atomic
// block run as a transaction on the successor's copy of the state. Nondeterminism inside an
// atomic block is a call to $choose(k); the caller enumerates choice sequences depth-first.
import * as I from '../check/ir.ts';
import { bounds, constantValue, emitAddress, emitExpr, rootOf, sharedRoot, type ExprContext } from './emit-expr.ts';
import { slotCount } from './layout.ts';

interface Frame {
  readonly loops: string[]; // JS labels of enclosing loops, innermost last
  readonly inlines: string[]; // JS labels of enclosing inline blocks
  readonly discard: string; // JS label to leave when an await fails
}

let labelCounter = 0;
const fresh = (prefix: string): string => `${prefix}${labelCounter++}`;

/**
 * A store of `value` (JS code) into the location `target`, with its range check. Under arm,
 * `view` is the JS of the value's view when it is not the view `value` itself computes.
 */
export function emitStore(target: I.Expr, value: string, ctx: ExprContext, view?: string, release = false): string {
  const t = target.type;
  const addr = emitAddress(target, ctx);
  if (ctx.arm) return armStore(target, value, addr, ctx, view, release);
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

/** Under arm: the value (with its view), then the address (with its view), then the store. */
function armStore(target: I.Expr, value: string, addr: string, ctx: ExprContext, view: string | undefined, release: boolean): string {
  const arm = ctx.arm!;
  const t = target.type;
  let v = '$v';
  if (t.kind === 'int') v = `$st($v, ${t.lo}, ${t.hi}, ${ctx.tables.message(`${spanText(target)} = %v is outside ${t.lo}..${t.hi}`)})`;
  else if (t.kind === 'bool') v = '(($v) ? 1 : 0)';
  const head = view === undefined ? `$w = 0; const $v = ${value}; const $vd = $w;` : `const $v = ${value}; const $vd = ${view};`;
  const A = ctx.arr;
  const B = ctx.base;
  const addrCode = `$w = 0; const $a = ${addr}; const $va = $w;`;
  if (sharedRoot(target, ctx.model)) {
    if (arm.mode === 'step') return `{ ${head} ${addrCode} $sb(${A}, ${B}, ${arm.instance}, $a, ${v}, $va, $vd, ${release ? 1 : 0}); }`;
    return `{ ${head} ${addrCode} ${A}[${B} + $a] = ${v}; $aw($a); }`;
  }
  if (rootOf(target).kind === 'local') {
    const mark = arm.mode === 'atomic' ? ' $al($a);' : '';
    return `{ ${head} ${addrCode} ${A}[${B} + $a] = ${v}; ${A}[${B} + $a + ${arm.delta}] = $mx($vd, $va);${mark} }`;
  }
  return `{ ${head} ${addrCode} ${A}[${B} + $a] = ${v}; }`;
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
        if (ctx.arm) {
          // Shared aggregates are rejected under arm (system.ts); locals copy their views too.
          const A = ctx.arr;
          const B = ctx.base;
          const d = ctx.arm.delta;
          if (rootOf(s.target).kind !== 'local') return `{ const t = ${to}, f = ${from}; ${A}.set(${A}.slice(${B} + f, ${B} + f + ${n}), ${B} + t); }`;
          const views = rootOf(s.value).kind === 'local' ? `${A}.set(${A}.slice(${B} + f + ${d}, ${B} + f + ${d} + ${n}), ${B} + t + ${d});` : `${A}.fill(0, ${B} + t + ${d}, ${B} + t + ${d} + ${n});`;
          const mark = ctx.arm.mode === 'atomic' ? ` for (let k = 0; k < ${n}; k++) $al(t + k);` : '';
          return `{ const t = ${to}, f = ${from}; ${A}.set(${A}.slice(${B} + f, ${B} + f + ${n}), ${B} + t); ${views}${mark} }`;
        }
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
      return ctx.arm ? emitArmOp(s, ctx) : emitOp(s, ctx);
    case 'await':
      return `if (!(${emitExpr(s.cond, ctx)})) break ${frame.discard};`;
    case 'assert':
      return `if (!(${emitExpr(s.cond, ctx)})) $viol('assert', ${ctx.tables.message(s.message)});`;
    case 'fence':
      return ctx.arm?.mode === 'step' ? emitArmFence(s.fence, ctx) : '';
    case 'skip':
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

function emitArmFence(f: I.FenceName, ctx: ExprContext): string {
  const call = { smp_wmb: '$wmb', smp_rmb: '$rmb', smp_mb: '$mb', dsb: '$mb', isb: '$isb' }[f];
  return `${call}(${ctx.arr}, ${ctx.base}, ${ctx.arm!.instance});`;
}

/**
 * Operations under arm. In a step: acquire loads and release stores go through the view
 * machinery; set_bit/clear_bit are plain stores; the others are fully ordered RMWs ($rmw).
 * In an atomic block they act on current messages and are marked like any access there.
 */
function emitArmOp(s: Extract<I.Stmt, { kind: 'op' }>, ctx: ExprContext): string {
  const arm = ctx.arm!;
  const A = ctx.arr;
  const B = ctx.base;
  const t = s.location.type;
  const shared = sharedRoot(s.location, ctx.model);
  const result = (value: string, view: string) => (s.result ? emitStore(s.result, value, ctx, view) : '');
  const local = rootOf(s.location).kind === 'local';
  if (s.op === 'set_bit' || s.op === 'clear_bit') return emitStore(s.location, s.op === 'set_bit' ? '1' : '0', ctx);
  if (arm.mode === 'step' && shared) {
    switch (s.op) {
      case 'smp_load_acquire':
        return `{ $w = 0; const $r = $ld(${A}, ${B}, ${arm.instance}, ($enter(), ${emitAddress(s.location, ctx)}), 1); const $rv = $w; ${result('$r', '$rv')} }`;
      case 'smp_store_release':
        return emitStore(s.location, emitExpr(s.args[0], ctx), ctx, undefined, true);
    }
  }
  if (arm.mode === 'step' && s.op !== 'smp_load_acquire' && s.op !== 'smp_store_release' && !shared) {
    // A read-modify-write of a local or ghost location in a step: fully ordered like any
    // RMW, but memory is untouched (no timestamp, vwOld and coh unchanged).
    const nv = newValue(s, t, ctx);
    const cmp = s.op === 'cmpxchg' ? 'old === +x0' : '1';
    const view = local ? ` ${A}[${B} + a + ${arm.delta}] = $V;` : '';
    return `{ $w = 0; const a = ${emitAddress(s.location, ctx)}; const $va = $w; $w = 0; ${argConsts(s, ctx)} const $vd = $w; const old = ${A}[${B} + a]; if (${cmp}) { ${A}[${B} + a] = ${nv}; } const $V = $rmwLocal(${A}, ${B}, ${arm.instance}, $va, $vd);${view} ${result('old', '$V')} }`;
  }
  if (!shared || arm.mode !== 'step') {
    // Inside an atomic block, and acquire/release of a local or ghost location: at once. The
    // value read and the value stored carry the views of the indices, the old value and the
    // arguments (an ordered block overrides them at its end).
    const read = shared ? `$rd(${A}, ${B}, a)` : local ? `$lr(${A}, ${B}, a, ${arm.delta})` : `${A}[${B} + a]`;
    const nv = newValue(s, t, ctx);
    let store = '';
    if (nv !== null) {
      store = `${A}[${B} + a] = ${nv};`;
      if (shared) store += ' $aw(a);';
      if (local) store += ` ${A}[${B} + a + ${arm.delta}] = $w;${arm.mode === 'atomic' ? ' $al(a);' : ''}`;
      if (s.op === 'cmpxchg') store = `if (old === +x0) { ${store} }`; // a failed cmpxchg stores nothing
    }
    return `{ $w = 0; const a = ${emitAddress(s.location, ctx)}; const old = ${read}; ${argConsts(s, ctx)} const $ov = $w; ${store} ${result('old', '$ov')} }`;
  }
  const nv = newValue(s, t, ctx);
  const cmp = s.op === 'cmpxchg' ? 'old === +x0' : '1';
  return `{ $w = 0; const a = ${emitAddress(s.location, ctx)}; const $va = $w; $w = 0; ${argConsts(s, ctx)} const $vd = $w; const old = ${A}[${B} + a]; const st = ${cmp} ? 1 : 0; const nv = st ? ${nv} : 0; const $V = $rmw(${A}, ${B}, ${arm.instance}, a, st, nv, $va, $vd); ${result('old', '$V')} }`;
}

/** `const x0 = ..., x1 = ...;`: an operation's arguments, each evaluated once, in order. */
function argConsts(s: Extract<I.Stmt, { kind: 'op' }>, ctx: ExprContext): string {
  return s.args.length ? `const ${s.args.map((a, i) => `x${i} = ${emitExpr(a, ctx)}`).join(', ')};` : '';
}

/** The value an operation stores (JS over `old`), range-checked; null when it stores nothing. */
function newValue(s: Extract<I.Stmt, { kind: 'op' }>, t: I.Type, ctx: ExprContext): string | null {
  const args = ['x0', 'x1'];
  const check = (v: string): string => {
    if (t.kind === 'int') return `$st(${v}, ${t.lo}, ${t.hi}, ${ctx.tables.message(`${spanText(s.location)} = %v is outside ${t.lo}..${t.hi}`)})`;
    return t.kind === 'bool' ? `((${v}) ? 1 : 0)` : v;
  };
  switch (s.op) {
    case 'smp_load_acquire':
      return null;
    case 'xchg':
    case 'WRITE_ONCE':
    case 'smp_store_release':
      return check(args[0]);
    case 'cmpxchg':
      return `(old === +x0 ? ${check(args[1])} : old)`;
    case 'fetch_add':
      return check(`old + ${args[0]}`);
    case 'fetch_sub':
      return check(`old - ${args[0]}`);
    case 'set_bit':
    case 'test_and_set_bit':
      return '1';
    case 'clear_bit':
    case 'test_and_clear_bit':
      return '0';
  }
}
