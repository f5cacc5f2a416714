// The syntax tree: plain data with a `kind` and a span on every node.
import type { Span } from './source.ts';

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export type TypeExpr =
  | { kind: 'bool'; span: Span }
  | { kind: 'named'; name: Ident; span: Span }
  | { kind: 'range'; lo: Expr; hi: Expr; span: Span }
  | { kind: 'array'; index: TypeExpr | Expr; elem: TypeExpr; span: Span }; // [T]U or [N]U

export type BinaryOp = '=>' | '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';
export type Quantifier = 'forall' | 'exists' | 'count' | 'sum';

export type Expr =
  | { kind: 'int'; value: number; span: Span }
  | { kind: 'bool'; value: boolean; span: Span }
  | { kind: 'name'; name: string; span: Span }
  | { kind: 'unary'; op: '!' | '-'; arg: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  | { kind: 'cond'; test: Expr; then: Expr; else: Expr; span: Span }
  | { kind: 'index'; base: Expr; index: Expr; span: Span }
  | { kind: 'field'; base: Expr; field: Ident; span: Span }
  | { kind: 'at'; base: Expr; label: Ident; span: Span } // p@L, p[i]@L
  | { kind: 'call'; callee: Ident; args: Expr[]; span: Span } // READ_ONCE(x), done(p[i]), xchg(...)
  | { kind: 'any'; type: TypeExpr; span: Span }
  | { kind: 'quant'; q: Quantifier; variable: Ident; type: TypeExpr; body: Expr; span: Span };

export type Stmt =
  | { kind: 'assign'; target: Expr; value: Expr; span: Span } // value may be an op call or any(T)
  | { kind: 'call'; call: Extract<Expr, { kind: 'call' }>; span: Span } // built-in op or inline
  | { kind: 'await'; cond: Expr; span: Span }
  | { kind: 'assert'; cond: Expr; message: string | undefined; span: Span }
  | { kind: 'skip'; span: Span }
  | { kind: 'var'; name: Ident; type: TypeExpr; init: Expr | undefined; span: Span }
  | { kind: 'if'; cond: Expr; then: Stmt[]; else: Stmt[] | undefined; span: Span }
  | { kind: 'while'; cond: Expr; body: Stmt[]; span: Span }
  | { kind: 'loop'; body: Stmt[]; span: Span }
  | { kind: 'for'; variable: Ident; type: TypeExpr; body: Stmt[]; span: Span }
  | { kind: 'either'; branches: Stmt[][]; span: Span }
  | { kind: 'atomic'; body: Stmt[]; span: Span }
  | { kind: 'break'; span: Span }
  | { kind: 'continue'; span: Span }
  | { kind: 'return'; span: Span }
  | { kind: 'label'; name: Ident; stmt: Stmt; span: Span };

export type Decl =
  | { kind: 'model'; name: Ident; span: Span }
  | { kind: 'import'; path: string; span: Span }
  | { kind: 'const'; name: Ident; value: Expr; span: Span }
  | { kind: 'enum'; name: Ident; members: Ident[]; span: Span }
  // `symmetric type T = LO..HI;` sets `symmetric` (absent on a plain `type`)
  | { kind: 'type'; name: Ident; type: TypeExpr; symmetric?: true; span: Span }
  | { kind: 'struct'; name: Ident; fields: { name: Ident; type: TypeExpr }[]; span: Span }
  | { kind: 'location'; ghost: boolean; name: Ident; type: TypeExpr; init: Expr | undefined; span: Span }
  | { kind: 'inline'; name: Ident; params: Ident[]; body: Stmt[]; span: Span }
  | {
      kind: 'process';
      name: Ident;
      param: { name: Ident; type: TypeExpr } | undefined;
      background: boolean;
      fair: boolean; // written `fair process` or `fair background process`
      body: Stmt[];
      span: Span;
    }
  | { kind: 'invariant'; name: Ident; expr: Expr; span: Span }
  // property NAME: eventually EXPR;  (from undefined)  or  property NAME: FROM ~> EXPR;
  | { kind: 'property'; name: Ident; temporal: 'eventually' | 'leadsTo'; from: Expr | undefined; expr: Expr; span: Span };

export interface Program {
  readonly decls: Decl[];
}

export function assertNever(x: never): never {
  throw new Error(`unexpected node: ${JSON.stringify((x as { kind?: string }).kind ?? x)}`);
}
