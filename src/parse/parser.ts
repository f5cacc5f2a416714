// Recursive-descent parser for `.mmu` files. Errors are collected, and parsing resumes at
// the next statement or declaration so that one run reports several independent mistakes.
import type { BinaryOp, Decl, Expr, Ident, Program, Quantifier, Stmt, TypeExpr } from './ast.ts';
import { diag, DiagnosticError, type Diagnostic } from './diagnostic.ts';
import { lex, type Token } from './lexer.ts';
import { joinSpans, type SourceFile, type Span } from './source.ts';
import { MAX_NESTING } from './bounds.ts';

const QUANTIFIERS = new Set(['forall', 'exists', 'count', 'sum']);
const BINARY_LEVELS: BinaryOp[][] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

export function parse(file: SourceFile): { program: Program; diagnostics: Diagnostic[] } {
  const { tokens, diagnostics } = lex(file);
  const parser = new Parser(tokens, diagnostics);
  let parsed: Decl[];
  try {
    parsed = parser.program();
  } catch (e) {
    // Too deep to parse: no recovery (it would only report the unclosed levels), one diagnostic.
    if (!(e instanceof TooDeep)) throw e;
    diagnostics.push(e.diagnostic);
    return { program: { decls: [] }, diagnostics };
  }
  // A declaration nested deeper than the bound is reported and dropped, so that no later stage
  // (each of which recurses over the tree) sees it.
  const decls = parsed.filter((d) => {
    const deep = tooDeep(d);
    if (deep) diagnostics.push(nestingDiagnostic(deep));
    return !deep;
  });
  return { program: { decls }, diagnostics };
}

/** Not a DiagnosticError: the parser's recovery points let it through. */
class TooDeep extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

function nestingDiagnostic(span: Span): Diagnostic {
  return diag('nesting', `nested more than ${MAX_NESTING} levels deep (expressions, operands of one operator chain, blocks and labels count)`, span, {
    hint: 'split it with constants, inlines or intermediate variables (docs/limits.md)',
  });
}

/**
 * The span of the first node of `root` deeper than MAX_NESTING (nodes are objects with a
 * `kind`; a chain `a + b + c` is as deep as it is long), found without recursion.
 */
function tooDeep(root: object): Span | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (Array.isArray(node)) {
      for (const x of node) stack.push([x, depth]);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const isNode = 'kind' in node;
    const d = isNode ? depth + 1 : depth;
    if (d > MAX_NESTING && 'span' in node) return node.span as Span;
    for (const [k, v] of Object.entries(node)) if (k !== 'span' && typeof v === 'object') stack.push([v, d]);
  }
  return undefined;
}

class Parser {
  private pos = 0;
  /** Recursive constructs open right now (parentheses, unary operators, blocks, labels, types). */
  private nesting = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: Diagnostic[],
  ) {}

  // ---- token helpers -------------------------------------------------------------------
  private get tok(): Token {
    return this.tokens[this.pos];
  }
  private peek(k = 1): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }
  private is(text: string): boolean {
    const t = this.tok;
    return (t.kind === 'punct' || t.kind === 'ident') && t.text === text;
  }
  private eat(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }
  private next(): Token {
    const t = this.tok;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  private fail(message: string, span: Span = this.tok.span): never {
    throw new DiagnosticError(diag('syntax', message, span));
  }
  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.kind === 'string') return 'a string';
    return `'${t.text}'`;
  }
  private expect(text: string, what = `'${text}'`): Token {
    if (!this.is(text)) {
      // A missing ';' belongs at the end of what came before it, as in C compilers.
      const prev = this.tokens[this.pos - 1];
      const span = text === ';' && prev ? { file: prev.span.file, start: prev.span.end, end: prev.span.end + 1 } : this.tok.span;
      this.fail(`expected ${what}, found ${this.describe(this.tok)}`, span);
    }
    return this.next();
  }
  private ident(what = 'a name'): Ident {
    const t = this.tok;
    if (t.kind !== 'ident') this.fail(`expected ${what}, found ${this.describe(t)}`);
    this.pos++;
    return { name: t.text, span: t.span };
  }
  /** Runs `f` one level deeper; past MAX_NESTING it is a diagnostic, not a stack overflow. */
  private nested<T>(f: () => T): T {
    if (this.nesting >= MAX_NESTING) throw new TooDeep(nestingDiagnostic(this.tok.span));
    this.nesting++;
    try {
      return f();
    } finally {
      this.nesting--;
    }
  }
  private spanFrom(start: Span): Span {
    const prev = this.tokens[Math.max(this.pos - 1, 0)];
    return joinSpans(start, prev.span);
  }

  /** Skip to just after the next `;` (or before a `}`) at the current nesting depth. */
  private recover(stopAtClose: boolean): void {
    let depth = 0;
    while (this.tok.kind !== 'eof') {
      const t = this.tok.text;
      if (this.tok.kind === 'punct') {
        if (t === '{' || t === '(' || t === '[') depth++;
        else if (t === '}' || t === ')' || t === ']') {
          if (depth === 0) {
            if (stopAtClose) return;
            this.pos++;
            continue;
          }
          depth--;
          if (depth === 0 && t === '}' && !stopAtClose) {
            this.pos++;
            return;
          }
        } else if (t === ';' && depth === 0) {
          this.pos++;
          return;
        }
      }
      this.pos++;
    }
  }

  // ---- declarations --------------------------------------------------------------------
  program(): Decl[] {
    const decls: Decl[] = [];
    while (this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        decls.push(this.decl());
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        this.diagnostics.push(e.diagnostic);
        if (this.pos === before) this.pos++;
        this.recover(false);
      }
    }
    return decls;
  }

  private decl(): Decl {
    const start = this.tok.span;
    const kw = this.tok.kind === 'ident' ? this.tok.text : '';
    switch (kw) {
      case 'model': {
        this.next();
        const name = this.ident('the model name');
        this.expect(';');
        return { kind: 'model', name, span: this.spanFrom(start) };
      }
      case 'import': {
        this.next();
        const t = this.tok;
        if (t.kind !== 'string') this.fail(`expected a quoted file name, found ${this.describe(t)}`);
        this.next();
        this.expect(';');
        return { kind: 'import', path: t.text, span: this.spanFrom(start) };
      }
      case 'const': {
        this.next();
        const name = this.ident('the constant name');
        this.expect('=');
        const value = this.expr();
        this.expect(';');
        return { kind: 'const', name, value, span: this.spanFrom(start) };
      }
      case 'enum': {
        this.next();
        const name = this.ident('the enum name');
        this.expect('{');
        const members: Ident[] = [];
        while (!this.is('}')) {
          members.push(this.ident('an enum member'));
          if (!this.eat(',')) break;
        }
        this.expect('}');
        this.eat(';');
        return { kind: 'enum', name, members, span: this.spanFrom(start) };
      }
      case 'type': {
        this.next();
        const name = this.ident('the type name');
        this.expect('=');
        const type = this.type();
        this.expect(';');
        return { kind: 'type', name, type, span: this.spanFrom(start) };
      }
      case 'symmetric': {
        // `symmetric` means something only right before `type`, so it stays usable as a name.
        this.next();
        if (!this.is('type')) this.fail(`'symmetric' applies only to a type: expected 'symmetric type T = LO..HI;', found ${this.describe(this.tok)}`);
        this.next();
        const name = this.ident('the type name');
        this.expect('=');
        const type = this.type();
        this.expect(';');
        return { kind: 'type', name, type, symmetric: true, span: this.spanFrom(start) };
      }
      case 'struct': {
        this.next();
        const name = this.ident('the struct name');
        this.expect('{');
        const fields: { name: Ident; type: TypeExpr }[] = [];
        while (!this.is('}')) {
          const fname = this.ident('a field name');
          this.expect(':');
          fields.push({ name: fname, type: this.type() });
          if (!this.eat(',') && !this.eat(';')) break;
        }
        this.expect('}');
        this.eat(';');
        return { kind: 'struct', name, fields, span: this.spanFrom(start) };
      }
      case 'shared':
      case 'ghost': {
        this.next();
        const name = this.ident('the location name');
        this.expect(':');
        const type = this.type();
        const init = this.eat('=') ? this.expr() : undefined;
        this.expect(';');
        return { kind: 'location', ghost: kw === 'ghost', name, type, init, span: this.spanFrom(start) };
      }
      case 'inline': {
        this.next();
        const name = this.ident('the inline name');
        this.expect('(');
        const params: Ident[] = [];
        while (!this.is(')')) {
          params.push(this.ident('a parameter name'));
          if (!this.eat(',')) break;
        }
        this.expect(')');
        const body = this.block();
        return { kind: 'inline', name, params, body, span: this.spanFrom(start) };
      }
      case 'fair':
      case 'background':
      case 'process': {
        const fair = this.eat('fair');
        if (fair && !this.is('process') && !this.is('background'))
          this.fail(`'fair' applies only to a process: expected 'process' or 'background process', found ${this.describe(this.tok)}`);
        const background = this.eat('background');
        this.expect('process');
        const name = this.ident('the process name');
        let param: { name: Ident; type: TypeExpr } | undefined;
        if (this.eat('(')) {
          const pname = this.ident('the parameter name');
          this.expect(':');
          param = { name: pname, type: this.type() };
          this.expect(')');
        }
        const body = this.block();
        return { kind: 'process', name, param, background, fair, body, span: this.spanFrom(start) };
      }
      case 'invariant': {
        this.next();
        const name = this.ident('the invariant name');
        this.expect(':');
        const expr = this.expr();
        this.expect(';');
        return { kind: 'invariant', name, expr, span: this.spanFrom(start) };
      }
      case 'property':
        return this.property(start);
      default:
        return this.fail(
          `expected a declaration (model, import, const, enum, type, struct, shared, ghost, inline, process, invariant), found ${this.describe(this.tok)}`,
        );
    }
  }

  /**
   * `property NAME: eventually EXPR;` or `property NAME: FROM ~> EXPR;`. `~>` binds more
   * loosely than every operator, so each side is a whole expression without a `~>` of its own.
   */
  private property(start: Span): Decl {
    this.next();
    const name = this.ident('the property name');
    this.expect(':');
    if (this.is('eventually')) {
      this.next();
      const expr = this.implication();
      if (this.is('~>')) this.fail("a property is either 'eventually Q' or 'P ~> Q', not both");
      this.expect(';');
      return { kind: 'property', name, temporal: 'eventually', from: undefined, expr, span: this.spanFrom(start) };
    }
    const from = this.implication();
    if (this.is(';')) this.fail("a property is 'eventually Q' or 'P ~> Q', and this is neither", from.span);
    this.expect('~>');
    const expr = this.implication();
    if (this.is('~>')) this.fail("a property has at most one '~>'");
    this.expect(';');
    return { kind: 'property', name, temporal: 'leadsTo', from, expr, span: this.spanFrom(start) };
  }

  // ---- types ---------------------------------------------------------------------------
  type(): TypeExpr {
    return this.nested(() => this.typeAt());
  }

  private typeAt(): TypeExpr {
    const start = this.tok.span;
    if (this.eat('bool')) return { kind: 'bool', span: start };
    if (this.eat('[')) {
      const inner = this.is('bool') || this.is('[') ? this.type() : this.typeOrExprInBrackets();
      this.expect(']');
      const elem = this.type();
      return { kind: 'array', index: inner, elem, span: this.spanFrom(start) };
    }
    const e = this.expr();
    if (this.eat('..')) {
      const hi = this.expr();
      return { kind: 'range', lo: e, hi, span: this.spanFrom(start) };
    }
    if (e.kind === 'name') return { kind: 'named', name: { name: e.name, span: e.span }, span: e.span };
    return this.fail('expected a type (bool, a type name, LO..HI or [T]U)', e.span);
  }

  private typeOrExprInBrackets(): TypeExpr | Expr {
    const start = this.tok.span;
    const e = this.expr();
    if (this.eat('..')) return { kind: 'range', lo: e, hi: this.expr(), span: this.spanFrom(start) };
    return e;
  }

  // ---- statements ----------------------------------------------------------------------
  block(): Stmt[] {
    this.expect('{');
    const out: Stmt[] = [];
    while (!this.is('}') && this.tok.kind !== 'eof') {
      const before = this.pos;
      try {
        out.push(this.stmt());
      } catch (e) {
        if (!(e instanceof DiagnosticError)) throw e;
        this.diagnostics.push(e.diagnostic);
        if (this.pos === before && !this.is('}')) this.pos++;
        this.recover(true);
      }
    }
    this.expect('}');
    return out;
  }

  private stmt(): Stmt {
    return this.nested(() => this.stmtAt());
  }

  private stmtAt(): Stmt {
    const start = this.tok.span;
    const t = this.tok;
    if (t.kind === 'ident' && this.peek().kind === 'punct' && this.peek().text === ':') {
      const name = this.ident();
      this.next();
      const stmt = this.stmt();
      return { kind: 'label', name, stmt, span: this.spanFrom(start) };
    }
    const kw = t.kind === 'ident' ? t.text : '';
    switch (kw) {
      case 'skip':
        this.next();
        this.expect(';');
        return { kind: 'skip', span: this.spanFrom(start) };
      case 'break':
      case 'continue':
      case 'return':
        this.next();
        this.expect(';');
        return { kind: kw, span: this.spanFrom(start) };
      case 'await': {
        this.next();
        const cond = this.expr();
        this.expect(';');
        return { kind: 'await', cond, span: this.spanFrom(start) };
      }
      case 'assert': {
        this.next();
        const cond = this.expr();
        let message: string | undefined;
        if (this.eat(',')) {
          const m = this.tok;
          if (m.kind !== 'string') this.fail(`expected a message string, found ${this.describe(m)}`);
          this.next();
          message = m.text;
        }
        this.expect(';');
        return { kind: 'assert', cond, message, span: this.spanFrom(start) };
      }
      case 'var': {
        this.next();
        const name = this.ident('the variable name');
        this.expect(':');
        const type = this.type();
        const init = this.eat('=') ? this.expr() : undefined;
        this.expect(';');
        return { kind: 'var', name, type, init, span: this.spanFrom(start) };
      }
      case 'if': {
        this.next();
        this.expect('(');
        const cond = this.expr();
        this.expect(')');
        const then = this.block();
        let els: Stmt[] | undefined;
        if (this.eat('else')) els = this.is('if') ? [this.stmt()] : this.block();
        return { kind: 'if', cond, then, else: els, span: this.spanFrom(start) };
      }
      case 'while': {
        this.next();
        this.expect('(');
        const cond = this.expr();
        this.expect(')');
        const body = this.block();
        return { kind: 'while', cond, body, span: this.spanFrom(start) };
      }
      case 'loop': {
        this.next();
        return { kind: 'loop', body: this.block(), span: this.spanFrom(start) };
      }
      case 'for': {
        this.next();
        const variable = this.ident('the loop variable');
        this.expect(':');
        const type = this.type();
        const body = this.block();
        return { kind: 'for', variable, type, body, span: this.spanFrom(start) };
      }
      case 'either': {
        this.next();
        const branches = [this.block()];
        while (this.eat('or')) branches.push(this.block());
        return { kind: 'either', branches, span: this.spanFrom(start) };
      }
      case 'atomic': {
        this.next();
        return { kind: 'atomic', body: this.block(), span: this.spanFrom(start) };
      }
    }
    const target = this.expr();
    if (this.eat('=')) {
      const value = this.expr();
      this.expect(';');
      return { kind: 'assign', target, value, span: this.spanFrom(start) };
    }
    if (target.kind === 'call') {
      this.expect(';');
      return { kind: 'call', call: target, span: this.spanFrom(start) };
    }
    return this.fail(`expected a statement, found ${this.describe(t)}`, target.span);
  }

  // ---- expressions ---------------------------------------------------------------------
  /** An expression; `~>` after it is misplaced, since only a property's top level may hold one. */
  expr(): Expr {
    const e = this.nested(() => this.implication());
    if (this.is('~>')) this.fail("'~>' can only be the top operator of a property: property NAME: P ~> Q;");
    return e;
  }

  private implication(): Expr {
    const left = this.conditional();
    if (this.eat('=>')) {
      const right = this.nested(() => this.implication());
      return { kind: 'binary', op: '=>', left, right, span: joinSpans(left.span, right.span) };
    }
    return left;
  }

  private conditional(): Expr {
    const test = this.binary(0);
    if (this.eat('?')) {
      const then = this.expr();
      this.expect(':');
      const els = this.nested(() => this.conditional());
      return { kind: 'cond', test, then, else: els, span: joinSpans(test.span, els.span) };
    }
    return test;
  }

  private binary(level: number): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = BINARY_LEVELS[level].find((o) => this.tok.kind === 'punct' && this.tok.text === o);
      if (!op) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right, span: joinSpans(left.span, right.span) };
    }
  }

  private unary(): Expr {
    const start = this.tok.span;
    if (this.tok.kind === 'punct' && (this.tok.text === '!' || this.tok.text === '-')) {
      const op = this.next().text as '!' | '-';
      const arg = this.nested(() => this.unary());
      return { kind: 'unary', op, arg, span: joinSpans(start, arg.span) };
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.eat('[')) {
        const index = this.expr();
        this.expect(']');
        e = { kind: 'index', base: e, index, span: this.spanFrom(e.span) };
      } else if (this.tok.kind === 'punct' && this.tok.text === '.') {
        this.next();
        const field = this.ident('a field or local name');
        e = { kind: 'field', base: e, field, span: joinSpans(e.span, field.span) };
      } else if (this.eat('@')) {
        const label = this.ident('a label');
        e = { kind: 'at', base: e, label, span: joinSpans(e.span, label.span) };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.tok;
    if (t.kind === 'int') {
      this.next();
      return { kind: 'int', value: Number(t.text), span: t.span };
    }
    if (t.kind === 'punct' && t.text === '(') {
      this.next();
      const e = this.expr();
      const close = this.expect(')');
      return { ...e, span: joinSpans(t.span, close.span) }; // the parentheses belong to the text shown
    }
    if (t.kind !== 'ident') return this.fail(`expected an expression, found ${this.describe(t)}`);
    if (t.text === 'eventually') return this.fail("'eventually' can only begin a property: property NAME: eventually EXPR;");
    if (t.text === 'true' || t.text === 'false') {
      this.next();
      return { kind: 'bool', value: t.text === 'true', span: t.span };
    }
    if (QUANTIFIERS.has(t.text) && this.peek().kind === 'ident' && this.peek(2).text === ':') {
      this.next();
      const variable = this.ident();
      this.expect(':');
      const type = this.type();
      this.expect('::');
      const body = this.nested(() => this.implication());
      // The body reaches as far right as it can, so a `~>` after it would be inside it.
      if (this.is('~>')) this.fail(`'~>' cannot be inside a quantifier: write (${t.text} ${variable.name}: ... :: ...) ~> Q, with the parentheses`);
      return { kind: 'quant', q: t.text as Quantifier, variable, type, body, span: joinSpans(t.span, body.span) };
    }
    this.next();
    if (t.text === 'any' && this.is('(')) {
      this.next();
      const type = this.type();
      this.expect(')');
      return { kind: 'any', type, span: this.spanFrom(t.span) };
    }
    if (this.is('(')) {
      this.next();
      const args: Expr[] = [];
      while (!this.is(')')) {
        args.push(this.expr());
        if (!this.eat(',')) break;
      }
      this.expect(')');
      return { kind: 'call', callee: { name: t.text, span: t.span }, args, span: this.spanFrom(t.span) };
    }
    return { kind: 'name', name: t.text, span: t.span };
  }
}
