// The checked model: names resolved, constants evaluated, inlines expanded, types known.
// The compiler and the naive reference explorer (test/) both start from this value.
import type { BinaryOp, Quantifier } from '../parse/ast.ts';
import type { SourceFile, Span } from '../parse/source.ts';

/** Scalar values are integers: bool is 0/1, an enum member is its index. */
export type Value = number | Value[];

export type Type =
  | { kind: 'bool' }
  // Unbounded arithmetic results use ±Infinity. `symmetric` names the symmetric type
  // (`symmetric type T = LO..HI;`) whose values these are; it is absent on every other int.
  | { kind: 'int'; lo: number; hi: number; readonly symmetric?: string }
  | { kind: 'enum'; name: string; members: readonly string[] }
  | { kind: 'array'; index: ScalarType; elem: Type }
  | { kind: 'struct'; name: string; fields: readonly { name: string; type: Type }[] };

export type ScalarType = Extract<Type, { kind: 'bool' | 'int' | 'enum' }>;

export type Expr =
  | { kind: 'lit'; value: number; type: Type; span: Span }
  | { kind: 'global'; global: number; type: Type; span: Span } // a whole shared/ghost location
  | { kind: 'local'; local: number; type: Type; span: Span } // a local of the running process
  | { kind: 'param'; type: Type; span: Span } // the running instance's parameter
  | { kind: 'bound'; slot: number; type: Type; span: Span } // a quantifier or `for` variable
  | { kind: 'index'; base: Expr; index: Expr; type: Type; span: Span }
  | { kind: 'field'; base: Expr; field: number; type: Type; span: Span }
  | { kind: 'unary'; op: '!' | '-'; arg: Expr; type: Type; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; type: Type; span: Span }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; type: Type; span: Span }
  | { kind: 'quant'; q: Quantifier; slot: number; over: ScalarType; body: Expr; type: Type; span: Span }
  // p.v, p[i].v: a local of another process instance (instance null for a single process)
  | { kind: 'procLocal'; process: number; instance: Expr | null; local: number; type: Type; span: Span }
  | { kind: 'procAt'; process: number; instance: Expr | null; label: string; type: Type; span: Span }
  | { kind: 'procDone'; process: number; instance: Expr | null; type: Type; span: Span };

/** Read-modify-write and store operations that are one step each. */
export type OpName =
  | 'WRITE_ONCE'
  | 'xchg'
  | 'cmpxchg'
  | 'fetch_add'
  | 'fetch_sub'
  | 'set_bit'
  | 'clear_bit'
  | 'test_and_set_bit'
  | 'test_and_clear_bit'
  | 'try_cmpxchg' // cmpxchg whose result is whether it stored (a bool)
  | 'add_return' // atomic_add_return: adds, returns the new value
  | 'sub_return' // atomic_sub_return: subtracts, returns the new value
  | 'add_unless' // atomic_add_unless(x, a, u): x += a unless x == u; returns whether it added
  | 'smp_load_acquire' // result = location, an acquire load (a plain load except under arm)
  | 'smp_store_release'; // location = args[0], a release store (a plain store except under arm)
export type FenceName =
  | 'smp_mb'
  | 'smp_wmb'
  | 'smp_rmb'
  | 'dsb'
  | 'isb'
  // Full barriers around the unordered atomics and after spin_lock: smp_mb() under arm (as
  // arm64 defines them), nothing under sc and tso (x86 atomics are locked instructions).
  | 'smp_mb__before_atomic'
  | 'smp_mb__after_atomic'
  | 'smp_mb__after_spinlock';

/**
 * The ordering of a read-modify-write (docs/memory-models.md, "Ordering of the kernel's
 * primitives"): `full` for the plain value-returning forms, `relaxed` for the `_relaxed`
 * suffix and the non-returning atomics, `acquire` / `release` for those suffixes. Only arm
 * tells them apart: under sc and tso every RMW is one locked, fully ordered step.
 */
export type Order = 'full' | 'relaxed' | 'acquire' | 'release';

export type Stmt =
  | { kind: 'assign'; target: Expr; value: Expr; span: Span }
  | { kind: 'any'; target: Expr; over: ScalarType; span: Span }
  // result = op(location, args...); result is null when the value is discarded. `order` is
  // the RMW's ordering (absent: full); `wait` marks `await try_cmpxchg*(...)`: the step is
  // enabled only when the cmpxchg succeeds.
  | { kind: 'op'; op: OpName; location: Expr; args: Expr[]; result: Expr | null; order?: Order; wait?: boolean; span: Span }
  | { kind: 'await'; cond: Expr; span: Span }
  | { kind: 'assert'; cond: Expr; message: string; span: Span }
  | { kind: 'skip'; span: Span }
  | { kind: 'fence'; fence: FenceName; span: Span }
  // `foldable`: the condition depends only on constants, the instance parameter and bound
  // variables of quantifiers inside it, so its outcome is decided per instance at compile time.
  | { kind: 'if'; cond: Expr; foldable: boolean; then: Stmt[]; else: Stmt[]; span: Span }
  | { kind: 'while'; cond: Expr; foldable: boolean; body: Stmt[]; span: Span }
  | { kind: 'loop'; body: Stmt[]; span: Span }
  | { kind: 'for'; slot: number; over: ScalarType; body: Stmt[]; span: Span }
  | { kind: 'either'; branches: Stmt[][]; span: Span }
  | { kind: 'atomic'; body: Stmt[]; span: Span }
  | { kind: 'break'; span: Span }
  | { kind: 'continue'; span: Span }
  | { kind: 'inline'; name: string; body: Stmt[]; span: Span } // an expanded inline call
  | { kind: 'return'; span: Span } // leaves the innermost enclosing `inline`
  | { kind: 'label'; name: string; span: Span }; // names the position of the next statement

export interface Global {
  readonly name: string;
  readonly type: Type;
  readonly ghost: boolean;
  readonly init: Value;
  readonly span: Span;
}

export interface Local {
  readonly name: string;
  readonly type: Type;
  readonly init: Value;
  readonly span: Span;
}

export interface Process {
  readonly name: string;
  readonly param: { name: string; type: ScalarType } | null;
  readonly background: boolean;
  /**
   * A weak-fairness unit of its own (docs/language.md, "Properties and fairness"): true for
   * every ordinary process and for a `fair background` one, false for a plain `background`.
   */
  readonly fair: boolean;
  readonly locals: readonly Local[];
  readonly body: Stmt[];
  /** Number of bound-variable slots (quantifiers and `for` variables) used in this process. */
  readonly boundSlots: number;
  readonly span: Span;
}

export interface Invariant {
  readonly name: string;
  readonly expr: Expr;
  readonly boundSlots: number;
  readonly span: Span;
}

/**
 * A temporal property: `eventually expr` (from null) or `from ~> expr` (leads-to). Both
 * expressions read what an invariant reads; their quantifiers share the `boundSlots` slots.
 */
export interface Property {
  readonly name: string;
  readonly kind: 'eventually' | 'leadsTo';
  /** P of `P ~> Q`; null for `eventually`. */
  readonly from: Expr | null;
  /** Q: the state every fair execution must reach (from the start, or from each P state). */
  readonly expr: Expr;
  readonly boundSlots: number;
  readonly span: Span;
}

export interface ConstantValue {
  readonly name: string;
  readonly value: number;
  readonly type: Type;
  readonly overridden: boolean;
}

export interface CheckedModel {
  readonly name: string;
  readonly mainFile: SourceFile;
  /** Every file the model was read from (the main file first, then its imports). */
  readonly files: readonly SourceFile[];
  readonly constants: readonly ConstantValue[];
  readonly globals: readonly Global[];
  readonly processes: readonly Process[];
  readonly invariants: readonly Invariant[];
  /** Temporal properties, in declaration order; checked only when safety holds. */
  readonly properties: readonly Property[];
  /**
   * The symmetric types (`symmetric type T = LO..HI;`), in declaration order: their values
   * are interchangeable names (docs/language.md, "Symmetry"). Empty for most models.
   */
  readonly symmetricTypes: readonly SymmetricType[];
}

export interface SymmetricType {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly span: Span;
}

/** The values of a finite scalar type, in order. */
export function typeValues(t: ScalarType): number[] {
  switch (t.kind) {
    case 'bool':
      return [0, 1];
    case 'enum':
      return t.members.map((_, i) => i);
    case 'int': {
      const out: number[] = [];
      for (let v = t.lo; v <= t.hi; v++) out.push(v);
      return out;
    }
  }
}

export function typeSize(t: ScalarType): number {
  return t.kind === 'bool' ? 2 : t.kind === 'enum' ? t.members.length : t.hi - t.lo + 1;
}

/** Lowest value of a scalar type: the default initial value. */
export function typeFirst(t: ScalarType): number {
  return t.kind === 'int' ? t.lo : 0;
}

export function isScalar(t: Type): t is ScalarType {
  return t.kind === 'bool' || t.kind === 'int' || t.kind === 'enum';
}

/** The default value of a type: every scalar at its first value. */
export function defaultValue(t: Type): Value {
  if (isScalar(t)) return typeFirst(t);
  if (t.kind === 'array') return typeValues(t.index).map(() => defaultValue(t.elem));
  return t.fields.map((f) => defaultValue(f.type));
}

export function showType(t: Type): string {
  switch (t.kind) {
    case 'bool':
      return 'bool';
    case 'int':
      if (t.symmetric !== undefined) return t.symmetric;
      return t.lo === -Infinity ? 'int' : `${t.lo}..${t.hi}`;
    case 'enum':
      return t.name;
    case 'array':
      return `[${showType(t.index)}]${showType(t.elem)}`;
    case 'struct':
      return t.name;
  }
}

/** How a scalar value of a type reads in traces and diagnostics. */
export function showValue(t: Type, v: number): string {
  if (t.kind === 'bool') return v ? 'true' : 'false';
  if (t.kind === 'enum') return t.members[v] ?? String(v);
  return String(v);
}

export function assertNeverStmt(x: never): never {
  throw new Error(`unexpected statement: ${JSON.stringify((x as { kind?: string }).kind)}`);
}
