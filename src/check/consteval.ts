// Evaluates checked expressions that read no state: constants, initialisers, folded conditions.
// Exactly: the arithmetic is done on BigInts, so that `(M * M * M) % 2` with M = 2^31 - 1 is
// what it is in mathematics, and a value that cannot be a state's 32-bit slot is found by the
// caller instead of being rounded.
import type { Expr } from './ir.ts';
import { typeValues } from './ir.ts';

export class NotConstant extends Error {}
export class ConstDivisionByZero extends Error {}

/** `param` is the instance parameter when folding a condition inside a process instance. */
export function evalConst(e: Expr, param?: number, bound: number[] = []): number {
  return Number(evalExact(e, param, bound));
}

/** The exact value; `evalConst` is this as a number. */
export function evalExact(e: Expr, param?: number, bound: number[] = []): bigint {
  const ev = (x: Expr): bigint => evalExact(x, param, bound);
  switch (e.kind) {
    case 'lit':
      return BigInt(e.value);
    case 'param':
      if (param === undefined) throw new NotConstant();
      return BigInt(param);
    case 'bound':
      if (bound[e.slot] === undefined) throw new NotConstant();
      return BigInt(bound[e.slot]);
    case 'unary':
      return e.op === '!' ? (ev(e.arg) ? 0n : 1n) : -ev(e.arg);
    case 'binary': {
      const l = ev(e.left);
      switch (e.op) {
        case '&&':
          return l ? (ev(e.right) ? 1n : 0n) : 0n;
        case '||':
          return l ? 1n : ev(e.right) ? 1n : 0n;
        case '=>':
          return l ? (ev(e.right) ? 1n : 0n) : 1n;
      }
      return applyExact(e.op, l, ev(e.right));
    }
    case 'cond':
      return ev(e.test) ? ev(e.then) : ev(e.else);
    case 'quant': {
      let acc = e.q === 'forall' ? 1n : 0n;
      for (const v of typeValues(e.over)) {
        bound[e.slot] = v;
        const b = ev(e.body);
        if (e.q === 'forall' && !b) acc = 0n;
        else if (e.q === 'exists' && b) acc = 1n;
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

/** C semantics on integers (BigInt division and remainder truncate toward zero, as C's do). */
function applyExact(op: string, l: bigint, r: bigint): bigint {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0n) throw new ConstDivisionByZero();
      return l / r;
    case '%':
      if (r === 0n) throw new ConstDivisionByZero();
      return l % r;
    case '==':
      return l === r ? 1n : 0n;
    case '!=':
      return l !== r ? 1n : 0n;
    case '<':
      return l < r ? 1n : 0n;
    case '<=':
      return l <= r ? 1n : 0n;
    case '>':
      return l > r ? 1n : 0n;
    case '>=':
      return l >= r ? 1n : 0n;
  }
  throw new Error(`not a binary operator: ${op}`);
}
