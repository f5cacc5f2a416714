// The syntax tree of a C litmus test: what the parser gives the translator. Every node keeps
// its span, so that whatever the translator cannot handle is reported at its place.
import type { Span } from '../parse/source.ts';

export interface LitmusTest {
  readonly name: string;
  readonly nameSpan: Span;
  readonly init: readonly InitItem[];
  readonly processes: readonly LitmusProcess[];
  readonly locations: readonly CondLoc[];
  readonly filter: Prop | null;
  readonly quantifier: 'exists' | '~exists' | 'forall';
  readonly condition: Prop;
  /** The final condition as written (quantifier included), for reports. */
  readonly conditionText: string;
}

/** A C type as litmus tests use them: a base name and a pointer depth. */
export interface CType {
  readonly base: string; // int, atomic_t, spinlock_t, ...
  readonly pointers: number;
  readonly span: Span;
}

/** `int x = 1;`, `int *p = &x;`, `x = 1;` or `0:r1 = 2;` in the initial-state block. */
export interface InitItem {
  readonly type: CType | null;
  readonly proc: number | null; // for `P:reg = v`
  readonly name: string;
  readonly value: Expr | null;
  readonly span: Span;
}

export interface Param {
  readonly type: CType;
  readonly name: string;
  readonly span: Span;
}

export interface LitmusProcess {
  readonly index: number;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export type Expr =
  | { readonly kind: 'int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  | { readonly kind: 'unary'; readonly op: '!' | '-' | '~' | '*' | '&'; readonly arg: Expr; readonly span: Span }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly span: Span }
  | { readonly kind: 'cond'; readonly test: Expr; readonly then: Expr; readonly else: Expr; readonly span: Span }
  | { readonly kind: 'call'; readonly callee: string; readonly calleeSpan: Span; readonly args: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'cast'; readonly type: CType; readonly arg: Expr; readonly span: Span };

export type Stmt =
  | { readonly kind: 'decl'; readonly type: CType; readonly name: string; readonly init: Expr | null; readonly span: Span }
  | { readonly kind: 'assign'; readonly target: Expr; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'block'; readonly body: readonly Stmt[]; readonly span: Span }
  | { readonly kind: 'empty'; readonly span: Span };

/** A location of the final condition: `P:reg`, or a shared location's name. */
export type CondLoc =
  | { readonly kind: 'reg'; readonly proc: number; readonly name: string; readonly span: Span }
  | { readonly kind: 'mem'; readonly name: string; readonly span: Span };

/** A value of the final condition: an integer, or a location's name (its address). */
export type CondValue =
  | { readonly kind: 'int'; readonly value: number; readonly span: Span }
  | { readonly kind: 'addr'; readonly name: string; readonly span: Span };

export type Prop =
  | { readonly kind: 'eq'; readonly loc: CondLoc; readonly value: CondValue; readonly negated: boolean; readonly span: Span }
  | { readonly kind: 'and' | 'or' | 'implies'; readonly left: Prop; readonly right: Prop; readonly span: Span }
  | { readonly kind: 'not'; readonly arg: Prop; readonly span: Span }
  | { readonly kind: 'const'; readonly value: boolean; readonly span: Span };

/** The expressions directly inside e, in source order. */
export function subexpressions(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'unary':
    case 'cast':
      return [e.arg];
    case 'binary':
      return [e.left, e.right];
    case 'cond':
      return [e.test, e.then, e.else];
    case 'call':
      return e.args;
    default:
      return [];
  }
}

/** Every statement of ss, nested ones included, in source order (an `if` before its branches). */
export function* allStatements(ss: readonly Stmt[]): Generator<Stmt> {
  for (const s of ss) {
    yield s;
    if (s.kind === 'if') {
      yield* allStatements(s.then);
      yield* allStatements(s.else);
    } else if (s.kind === 'block') yield* allStatements(s.body);
  }
}
