// The code of one automaton edge, the way sc and tso run it: a condition or an await is
// evaluated on the source state, and each successor is a copy of the source state that the
// step then changes. The memory model supplies the accesses and a guard (src/memory); a
// model whose steps work differently (arm) lowers its edges itself.
import * as I from '../check/ir.ts';
import type { EmitHost, StepAccess } from '../memory/model.ts';
import type { Edge } from './automaton.ts';
import type { CodeWriter } from './code-writer.ts';
import { bounds, emitExpr } from './emit-expr.ts';
import { atomicFrame, emitStmt, forks } from './emit-step.ts';

/** `ob[o + pc] = next; eb[n++] = action;`: the successor is done. */
export function commitLine(pcSlot: number, next: number, action: number): string {
  return `ob[o + ${pcSlot}] = ${next}; eb[n++] = ${action};`;
}

/** Runs `body` once per sequence of choices it makes ($C.choose), depth-first. */
export function eachChoice(w: CodeWriter, body: () => void): void {
  w.line('$C.begin();');
  w.open('do {');
  w.line('$C.rewind();');
  body();
  w.close('} while ($C.advance());');
}

export function emitDefaultStep(w: CodeWriter, e: Edge, ii: number, host: EmitHost, access: StepAccess): void {
  const pcSlot = host.layout.instances[ii].pcSlot;
  const onS = host.context(ii, e.env, 's', 'so', access.onSource);
  const onOut = host.context(ii, e.env, 'ob', 'o', access.onSuccessor);
  if (access.guard) w.open(`if (${access.guard}) {`);
  else w.open('{');
  switch (e.kind) {
    case 'cond': {
      // The evaluation itself may fail (a range or division error): that is `c`.
      const c = host.action(ii, e.stmt.span);
      const t = host.action(ii, e.stmt.span, 'true');
      const f = host.action(ii, e.stmt.span, 'false');
      w.line(`A = ${c};`);
      w.open(`if (${emitExpr(e.stmt.cond, onS)}) {`);
      w.line(`A = ${t};`);
      host.alloc(w);
      w.line(commitLine(pcSlot, e.then, t));
      w.reopen('} else {');
      w.line(`A = ${f};`);
      host.alloc(w);
      w.line(commitLine(pcSlot, e.else, f));
      w.close();
      break;
    }
    case 'step': {
      const id = host.action(ii, e.stmt.span);
      const s = e.stmt;
      w.line(`A = ${id};`);
      switch (s.kind) {
        case 'await':
          w.open(`if (${emitExpr(s.cond, onS)}) {`);
          host.alloc(w);
          w.line(commitLine(pcSlot, e.next, id));
          w.close();
          break;
        case 'skip':
          host.alloc(w);
          w.line(commitLine(pcSlot, e.next, id));
          break;
        case 'any': {
          const [lo, hi] = bounds(s.over);
          w.open(`for (let c = ${lo}; c <= ${hi}; c++) {`);
          host.alloc(w);
          onOut.access.store(w, s.target, 'c', onOut);
          w.line(commitLine(pcSlot, e.next, id));
          w.close();
          break;
        }
        default:
          host.alloc(w);
          if (s.kind === 'op' && s.wait) {
            // `await try_cmpxchg(...)`: no successor when the comparison fails.
            w.open('X: {');
            emitStmt(w, s, onOut, atomicFrame('X'));
            w.line(commitLine(pcSlot, e.next, id));
            w.close();
          } else {
            emitStmt(w, s, onOut, atomicFrame('X'));
            w.line(commitLine(pcSlot, e.next, id));
          }
      }
      break;
    }
    case 'atomic': {
      const id = host.action(ii, e.stmt.span);
      const blk = `B${id}`;
      const run = () => {
        w.line('let ok = 0;');
        w.line('$atomicStart();');
        w.open(`${blk}: {`);
        emitStmt(w, e.stmt, onOut, atomicFrame(blk));
        w.line('ok = 1;');
        w.close();
        w.line(`if (ok) { ${commitLine(pcSlot, e.next, id)} }`);
      };
      w.line(`A = ${id};`);
      if (!forks(e.stmt.body)) {
        host.alloc(w);
        run();
      } else
        eachChoice(w, () => {
          host.alloc(w);
          run();
        });
      break;
    }
    default:
      I.assertNeverStmt(e as never);
  }
  w.close();
}
