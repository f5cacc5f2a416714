// Emits JavaScript for checked expressions and location addresses over a state buffer.
// Reads of locations go through the context's Access (`ARR[BASE + offset]` under sc); checks
// that can fail at run time call the runtime's helpers ($ix, $div, $mod: runtime.ts), which
// throw the violation signal.
import { evalConst, NotConstant } from '../check/consteval.ts';
import * as I from '../check/ir.ts';
import type { Env } from './automaton.ts';
import type { Access } from './access.ts';
import { slotCount, type StateLayout } from './layout.ts';

export interface Tables {
  /** Registers a constant typed array and returns the JS name it is bound to. */
  table(values: Uint8Array | Int32Array): string;
  /** Registers a message string and returns a JS expression for it. */
  message(text: string): string;
}

export interface ExprContext {
  readonly arr: string; // state buffer variable
  readonly base: string; // offset of the state in it
  readonly layout: StateLayout;
  readonly model: I.CheckedModel;
  readonly instance: number | null; // running instance, for locals and the parameter
  readonly env: Env; // compile-time values of unrolled `for` variables
  readonly tables: Tables;
  /** Per (instance, label): Uint8Array over pcs. */
  readonly labelTable: (instance: number, label: string) => Uint8Array;
  readonly terminalPc: (instance: number) => number;
  /** How this code reads and writes memory: the memory model's say (src/memory). */
  readonly access: Access;
  /** A fresh JS label (loops and inline blocks need their own). */
  readonly fresh: (prefix: string) => string;
}

/** The root of a location expression. */
export function rootOf(e: I.Expr): I.Expr {
  let x = e;
  while (x.kind === 'index' || x.kind === 'field') x = x.base;
  return x;
}

/** Whether a location expression lives in a `shared` (not ghost) global. */
export function sharedRoot(e: I.Expr, model: I.CheckedModel): boolean {
  let x = e;
  while (x.kind === 'index' || x.kind === 'field') x = x.base;
  return x.kind === 'global' && !model.globals[x.global].ghost;
}

/** The compile-time value of an expression, when it reads no state. */
export function constantValue(e: I.Expr, ctx: ExprContext): number | undefined {
  const param = ctx.instance === null ? undefined : ctx.layout.instances[ctx.instance].param;
  try {
    return evalConst(e, param, [...ctx.env] as number[]);
  } catch (err) {
    if (err instanceof NotConstant) return undefined;
    return undefined; // division by zero: leave it to run time, which reports it with a trace
  }
}

export function emitExpr(e: I.Expr, ctx: ExprContext): string {
  const c = constantValue(e, ctx);
  if (c !== undefined) return String(c);
  switch (e.kind) {
    case 'lit':
      return String(e.value);
    case 'param':
      return String(ctx.layout.instances[ctx.instance!].param);
    case 'bound':
      return ctx.env[e.slot] !== undefined ? String(ctx.env[e.slot]) : `b${e.slot}`;
    case 'global':
    case 'local':
    case 'index':
    case 'field':
    case 'procLocal':
      if (!I.isScalar(e.type)) throw new Error('aggregate read in a scalar context');
      return ctx.access.read(e, emitAddress(e, ctx), ctx);
    case 'unary':
      return e.op === '!' ? `!(${emitExpr(e.arg, ctx)})` : `(-(${emitExpr(e.arg, ctx)}))`;
    case 'binary': {
      const l = emitExpr(e.left, ctx);
      const r = emitExpr(e.right, ctx);
      const boolOperands = e.left.type.kind === 'bool';
      switch (e.op) {
        case '&&':
          return `(${l} && ${r})`;
        case '||':
          return `(${l} || ${r})`;
        case '=>':
          return `(!(${l}) || ${r})`;
        case '==':
          return boolOperands ? `(!(${l}) === !(${r}))` : `(${l} === ${r})`;
        case '!=':
          return boolOperands ? `(!(${l}) !== !(${r}))` : `(${l} !== ${r})`;
        case '/':
          return `$div(${l}, ${r}, ${ctx.tables.message(describe(e))})`;
        case '%':
          return `$mod(${l}, ${r}, ${ctx.tables.message(describe(e))})`;
        default:
          return `(${l} ${e.op} ${r})`;
      }
    }
    case 'cond':
      return `(${emitExpr(e.test, ctx)} ? ${emitExpr(e.then, ctx)} : ${emitExpr(e.else, ctx)})`;
    case 'quant': {
      const [lo, hi] = bounds(e.over);
      const b = `b${e.slot}`;
      const body = emitExpr(e.body, ctx);
      // Where reads change the state (arm: views), forall and exists read every element:
      // stopping at the first that decides would make which locations were read depend on
      // the order of the values (docs/memory-models.md).
      if (ctx.access.readsEveryElement && (e.q === 'forall' || e.q === 'exists')) {
        const hit = e.q === 'forall' ? `!(${body})` : body;
        return `((() => { let r = ${e.q === 'forall'}; for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) if (${hit}) r = ${e.q !== 'forall'}; return r; })())`;
      }
      switch (e.q) {
        case 'forall':
          return `((() => { for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) if (!(${body})) return false; return true; })())`;
        case 'exists':
          return `((() => { for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) if (${body}) return true; return false; })())`;
        case 'count':
          return `((() => { let n = 0; for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) if (${body}) n++; return n; })())`;
        case 'sum':
          return `((() => { let n = 0; for (let ${b} = ${lo}; ${b} <= ${hi}; ${b}++) n += ${body}; return n; })())`;
      }
      break;
    }
    case 'procAt': {
      const p = ctx.layout.processes[e.process];
      const inst = instanceIndex(e.process, e.instance, ctx);
      if (typeof inst === 'number') {
        const t = ctx.tables.table(ctx.labelTable(inst, e.label));
        return `(${t}[${ctx.arr}[${ctx.base} + ${ctx.layout.instances[inst].pcSlot}]] === 1)`;
      }
      const count = ctx.model.processes[e.process].param ? I.typeSize(ctx.model.processes[e.process].param!.type) : 1;
      const tabs = Array.from({ length: count }, (_, k) => ctx.tables.table(ctx.labelTable(p.firstInstance + k, e.label)));
      // Pick the instance's table with comparisons (no array built per evaluation), in a
      // balanced tree: thousands of instances nest only log2 deep in the generated code.
      const pickIn = (lo: number, hi: number): string => {
        if (lo === hi) return tabs[lo];
        const mid = (lo + hi + 1) >> 1;
        return `(k < ${mid} ? ${pickIn(lo, mid - 1)} : ${pickIn(mid, hi)})`;
      };
      const pick = pickIn(0, tabs.length - 1);
      return `((k) => ${pick}[${ctx.arr}[${ctx.base} + ${p.firstSlot} + k * ${p.stride}]] === 1)(${inst.code})`;
    }
    case 'procDone': {
      const p = ctx.layout.processes[e.process];
      const inst = instanceIndex(e.process, e.instance, ctx);
      if (typeof inst === 'number') return `(${ctx.arr}[${ctx.base} + ${ctx.layout.instances[inst].pcSlot}] === ${ctx.terminalPc(inst)})`;
      const count = I.typeSize(ctx.model.processes[e.process].param!.type);
      const terms = ctx.tables.table(Int32Array.from({ length: count }, (_, k) => ctx.terminalPc(p.firstInstance + k)));
      return `((k) => ${ctx.arr}[${ctx.base} + ${p.firstSlot} + k * ${p.stride}] === ${terms}[k])(${inst.code})`;
    }
  }
  throw new Error(`cannot emit ${(e as I.Expr).kind}`);
}

function describe(e: I.Expr): string {
  const text = e.span.file.text.slice(e.span.start, e.span.end);
  return text;
}

export function bounds(t: I.ScalarType): [number, number] {
  return t.kind === 'int' ? [t.lo, t.hi] : [0, I.typeSize(t) - 1];
}

/** A static instance index, or code computing `param - lo` with a range check. */
function instanceIndex(process: number, instance: I.Expr | null, ctx: ExprContext): number | { code: string } {
  const p = ctx.layout.processes[process];
  if (instance === null) return p.firstInstance;
  const type = ctx.model.processes[process].param!.type;
  const [lo, hi] = bounds(type);
  const c = constantValue(instance, ctx);
  if (c !== undefined && c >= lo && c <= hi) return p.firstInstance + c - lo;
  return { code: `$ix(${emitExpr(instance, ctx)}, ${lo}, ${hi}, ${ctx.tables.message(describe(instance))})` };
}

/** Code for the slot offset (relative to the state's base) of a location expression. */
export function emitAddress(e: I.Expr, ctx: ExprContext): string {
  const parts: string[] = [];
  let constant = 0;
  const walk = (x: I.Expr): void => {
    switch (x.kind) {
      case 'global':
        constant += ctx.layout.globalSlots[x.global];
        return;
      case 'local':
        constant += ctx.layout.instances[ctx.instance!].localSlots[x.local];
        return;
      case 'procLocal': {
        const p = ctx.layout.processes[x.process];
        const inst = instanceIndex(x.process, x.instance, ctx);
        const first = ctx.layout.instances[p.firstInstance];
        const within = first.localSlots[x.local] - first.pcSlot;
        if (typeof inst === 'number') constant += ctx.layout.instances[inst].pcSlot + within;
        else {
          constant += p.firstSlot + within;
          parts.push(`${inst.code} * ${p.stride}`);
        }
        return;
      }
      case 'index': {
        walk(x.base);
        const t = x.base.type as Extract<I.Type, { kind: 'array' }>;
        const [lo, hi] = bounds(t.index);
        const size = slotCount(t.elem);
        const c = constantValue(x.index, ctx);
        if (c !== undefined && c >= lo && c <= hi) constant += (c - lo) * size;
        else {
          const ix = `$ix(${emitExpr(x.index, ctx)}, ${lo}, ${hi}, ${ctx.tables.message(describe(x))})`;
          parts.push(size === 1 ? ix : `${ix} * ${size}`);
        }
        return;
      }
      case 'field': {
        walk(x.base);
        const t = x.base.type as Extract<I.Type, { kind: 'struct' }>;
        for (let i = 0; i < x.field; i++) constant += slotCount(t.fields[i].type);
        return;
      }
      default:
        throw new Error(`not a location: ${x.kind}`);
    }
  };
  walk(e);
  return [String(constant), ...parts].join(' + ');
}
