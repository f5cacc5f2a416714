// Evaluates checked expressions that read no state: constants, initialisers, folded conditions.
import type { Expr } from './ir.ts';
import { typeValues } from './ir.ts';

export class NotConstant extends Error {}
export class ConstDivisionByZero extends Error {}

/** `param` is the instance parameter when folding a condition inside a process instance. */
export function evalConst(e: Expr, param?: number, bound: number[] = []): number {
  const ev = (x: Expr): number => evalConst(x, param, bound);
  switch (e.kind) {
    case 'lit':
      return e.value;
    case 'param':
      if (param === undefined) throw new NotConstant();
      return param;
    case 'bound':
      if (bound[e.slot] === undefined) throw new NotConstant();
      return bound[e.slot];
    case 'unary':
      return e.op === '!' ? (ev(e.arg) ? 0 : 1) : -ev(e.arg);
    case 'binary': {
      const l = ev(e.left);
      switch (e.op) {
        case '&&':
          return l ? (ev(e.right) ? 1 : 0) : 0;
        case '||':
          return l ? 1 : ev(e.right) ? 1 : 0;
        case '=>':
          return l ? (ev(e.right) ? 1 : 0) : 1;
      }
      const r = ev(e.right);
      return applyBinary(e.op, l, r, () => {
        throw new ConstDivisionByZero();
      });
    }
    case 'cond':
      return ev(e.test) ? ev(e.then) : ev(e.else);
    case 'quant': {
      let acc = e.q === 'forall' ? 1 : 0;
      for (const v of typeValues(e.over)) {
        bound[e.slot] = v;
        const b = ev(e.body);
        if (e.q === 'forall' && !b) acc = 0;
        else if (e.q === 'exists' && b) acc = 1;
        else if (e.q === 'count' && b) acc++;
        else if (e.q === 'sum') acc += b;
      }
      delete bound[e.slot];
      return acc;
    }
    default:
      throw new NotConstant();
  }
}

/** C semantics on integers: `/` and `%` truncate toward zero. */
export function applyBinary(op: string, l: number, r: number, divByZero: () => number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return r === 0 ? divByZero() : Math.trunc(l / r);
    case '%':
      return r === 0 ? divByZero() : l % r;
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
  throw new Error(`not a binary operator: ${op}`);
}
