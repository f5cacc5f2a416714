// Emits the JavaScript of statements: the action of a simple statement, or a whole atomic
// block run as a transaction on the successor's copy of the state. Reads and writes go
// through the context's Access (the memory model's say). Nondeterminism inside a step is a
// call to $C.choose(k); the step's emitter enumerates choice sequences depth-first.
import * as I from '../check/ir.ts';
import type { CodeWriter } from './code-writer.ts';
import { bounds, constantValue, emitExpr, type ExprContext } from './emit-expr.ts';

export interface Frame {
  readonly loops: string[]; // JS labels of enclosing loops, innermost last
  readonly inlines: string[]; // JS labels of enclosing inline blocks
  readonly discard: string; // JS label to leave when an await fails
}

export function atomicFrame(discard: string): Frame {
  return { loops: [], inlines: [], discard };
}

/** Whether statements can fork (contain `any` or `either`). */
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

export function emitStmts(w: CodeWriter, stmts: I.Stmt[], ctx: ExprContext, frame: Frame): void {
  for (const s of stmts) emitStmt(w, s, ctx, frame);
}

export function emitStmt(w: CodeWriter, s: I.Stmt, ctx: ExprContext, frame: Frame): void {
  switch (s.kind) {
    case 'assign':
      if (!I.isScalar(s.target.type)) ctx.access.copy(w, s.target, s.value, ctx);
      else ctx.access.store(w, s.target, emitExpr(s.value, ctx), ctx);
      return;
    case 'any': {
      const [lo] = bounds(s.over);
      ctx.access.store(w, s.target, `${lo} + $C.choose(${I.typeSize(s.over)})`, ctx);
      return;
    }
    case 'op':
      ctx.access.op(w, s, ctx, frame.discard);
      return;
    case 'await':
      w.line(`if (!(${emitExpr(s.cond, ctx)})) break ${frame.discard};`);
      return;
    case 'assert':
      w.line(`if (!(${emitExpr(s.cond, ctx)})) $viol('assert', ${ctx.tables.message(s.message)});`);
      return;
    case 'fence':
      ctx.access.fence(w, s.fence, ctx);
      return;
    case 'skip':
    case 'label':
      return;
    case 'if': {
      const c = s.foldable ? constantValue(s.cond, ctx) : undefined;
      if (c !== undefined) return emitStmts(w, c ? s.then : s.else, ctx, frame);
      w.open(`if (${emitExpr(s.cond, ctx)}) {`);
      emitStmts(w, s.then, ctx, frame);
      if (s.else.length) {
        w.reopen('} else {');
        emitStmts(w, s.else, ctx, frame);
      }
      w.close();
      return;
    }
    case 'while': {
      const l = ctx.fresh('L');
      w.open(`${l}: while (${emitExpr(s.cond, ctx)}) {`);
      w.line(`$tick(${s.body.length + 1});`);
      emitStmts(w, s.body, ctx, { ...frame, loops: [...frame.loops, l] });
      w.close();
      return;
    }
    case 'loop': {
      const l = ctx.fresh('L');
      w.open(`${l}: for (;;) {`);
      w.line(`$tick(${Math.max(1, s.body.length)});`);
      emitStmts(w, s.body, ctx, { ...frame, loops: [...frame.loops, l] });
      w.close();
      return;
    }
    case 'for': {
      const l = ctx.fresh('L');
      const [lo, hi] = bounds(s.over);
      const b = `b${s.slot}`;
      const env = [...ctx.env];
      env[s.slot] = undefined;
      w.open(`${l}: for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) {`);
      w.line(`$tick(${Math.max(1, s.body.length)});`);
      emitStmts(w, s.body, { ...ctx, env }, { ...frame, loops: [...frame.loops, l] });
      w.close();
      return;
    }
    case 'either':
      w.open(`switch ($C.choose(${s.branches.length})) {`);
      s.branches.forEach((b, i) => {
        w.open(`case ${i}: {`);
        emitStmts(w, b, ctx, frame);
        w.line('break;');
        w.close();
      });
      w.close();
      return;
    case 'atomic':
      return emitStmts(w, s.body, ctx, frame);
    case 'break':
      w.line(`break ${frame.loops[frame.loops.length - 1]};`);
      return;
    case 'continue':
      w.line(`continue ${frame.loops[frame.loops.length - 1]};`);
      return;
    case 'inline': {
      const l = ctx.fresh('I');
      w.open(`${l}: { // ${s.name}`);
      emitStmts(w, s.body, ctx, { ...frame, inlines: [...frame.inlines, l] });
      w.close();
      return;
    }
    case 'return':
      w.line(`break ${frame.inlines[frame.inlines.length - 1]};`);
      return;
    default:
      return I.assertNeverStmt(s);
  }
}
