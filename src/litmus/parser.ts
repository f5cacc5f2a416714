// Parses a C litmus test (the format of the Linux kernel's tools/memory-model and of herd7's
// catalogue/linux) into a syntax tree. Errors are diagnostics with places; the first one
// ends the parse, as the rest of a malformed test rarely means anything.
import { diag, DiagnosticError, type Diagnostic } from '../parse/diagnostic.ts';
import type { SourceFile, Span } from '../parse/source.ts';
import { lexLitmus, type LitmusToken } from './lexer.ts';
import type { CondLoc, CondValue, CType, Expr, InitItem, LitmusProcess, LitmusTest, Param, Prop, Stmt } from './syntax.ts';

/** Base names of the C types litmus tests declare (qualifiers `const`, `volatile` are skipped). */
export const TYPE_NAMES = new Set([
  'int',
  'long',
  'short',
  'char',
  'unsigned',
  'signed',
  'bool',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  'intptr_t',
  'uintptr_t',
  'atomic_t',
  'atomic_long_t',
  'spinlock_t',
  'void',
]);
const QUALIFIERS = new Set(['const', 'volatile', 'static', 'register']);
const UNSUPPORTED_STMT = new Set(['while', 'for', 'do', 'goto', 'return', 'switch', 'break', 'continue', 'case', 'default']);

export function parseLitmus(file: SourceFile): { test?: LitmusTest; diagnostics: Diagnostic[] } {
  try {
    return { test: new LitmusParser(file).test(), diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticError) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

class LitmusParser {
  private tokens: LitmusToken[] = [];
  private pos = 0;

  constructor(private readonly file: SourceFile) {}

  private get tok(): LitmusToken {
    return this.tokens[this.pos];
  }
  private fail(message: string, span: Span = this.tok.span, hint?: string): never {
    throw new DiagnosticError(diag('litmus-syntax', message, span, hint ? { hint } : undefined));
  }
  private describe(t: LitmusToken): string {
    return t.kind === 'eof' ? 'the end of the file' : `'${t.text}'`;
  }
  private is(text: string, ahead = 0): boolean {
    const t = this.tokens[this.pos + ahead];
    return t !== undefined && t.kind !== 'string' && t.text === text;
  }
  private eat(text: string): LitmusToken | undefined {
    if (!this.is(text)) return undefined;
    return this.tokens[this.pos++];
  }
  private expect(text: string, what = `'${text}'`): LitmusToken {
    const t = this.eat(text);
    if (!t) this.fail(`expected ${what}, found ${this.describe(this.tok)}`);
    return t;
  }
  private ident(what: string): LitmusToken {
    if (this.tok.kind !== 'ident') this.fail(`expected ${what}, found ${this.describe(this.tok)}`);
    return this.tokens[this.pos++];
  }
  private from(start: Span): Span {
    const last = this.tokens[Math.max(0, this.pos - 1)].span;
    return { file: this.file, start: start.start, end: Math.max(start.end, last.end) };
  }

  test(): LitmusTest {
    const text = this.file.text;
    // The first line is `C NAME`; the name may hold any character but white space (+ - .).
    const header = /^(?:\s|\/\/[^\n]*\n)*(\S+)[ \t]+(\S+)[^\n]*/.exec(text);
    if (!header) {
      const at = /\S/.exec(text)?.index ?? 0;
      this.fail('a litmus test starts with a line `C NAME`', { file: this.file, start: at, end: at + 1 });
    }
    const archStart = header.index + header[0].indexOf(header[1]);
    if (header[1] !== 'C') {
      this.fail(
        `only C litmus tests (the Linux kernel's format) are supported, not '${header[1]}'`,
        { file: this.file, start: archStart, end: archStart + header[1].length },
        'a kernel litmus test starts with `C NAME`, as in tools/memory-model/litmus-tests',
      );
    }
    const nameStart = header.index + header[0].indexOf(header[2], header[0].indexOf(header[1]) + 1);
    const nameSpan: Span = { file: this.file, start: nameStart, end: nameStart + header[2].length };
    const lexed = lexLitmus(this.file, header.index + header[0].length);
    if (lexed.diagnostics.length) throw new DiagnosticError(lexed.diagnostics[0]);
    this.tokens = lexed.tokens;
    while (this.tok.kind === 'string') this.pos++; // an optional doc string
    const init = this.initBlock();
    const processes: LitmusProcess[] = [];
    while (this.tok.kind === 'ident' && /^P[0-9]+$/.test(this.tok.text)) processes.push(this.process(processes.length));
    if (!processes.length) this.fail(`expected a process 'P0(...) { ... }', found ${this.describe(this.tok)}`);
    let locations: CondLoc[] = [];
    let filter: Prop | null = null;
    for (;;) {
      if (this.eat('locations')) {
        this.expect('[');
        locations = [];
        while (!this.eat(']')) {
          locations.push(this.condLoc());
          if (!this.is(']')) this.expect(';', "';' or ']'");
        }
      } else if (this.eat('filter')) filter = this.prop();
      else break;
    }
    const qStart = this.tok.span;
    let quantifier: LitmusTest['quantifier'];
    if (this.eat('exists')) quantifier = 'exists';
    else if (this.eat('forall')) quantifier = 'forall';
    else if (this.is('~') && this.is('exists', 1)) {
      this.pos += 2;
      quantifier = '~exists';
    } else this.fail(`expected the final condition ('exists', '~exists' or 'forall'), found ${this.describe(this.tok)}`);
    const condition = this.prop();
    const condSpan = this.from(qStart);
    if (this.tok.kind !== 'eof') this.fail(`expected the end of the test after the final condition, found ${this.describe(this.tok)}`);
    const conditionText = this.file.text.slice(condSpan.start, condSpan.end).replace(/\s+/g, ' ');
    return { name: header[2], nameSpan, init, processes, locations, filter, quantifier, condition, conditionText };
  }

  private initBlock(): InitItem[] {
    this.expect('{', "the initial-state block '{ ... }'");
    const items: InitItem[] = [];
    while (!this.eat('}')) {
      if (this.eat(';')) continue;
      const start = this.tok.span;
      const type = this.isType() ? this.ctype() : null;
      for (;;) {
        let proc: number | null = null;
        let pointers = 0;
        while (this.eat('*')) pointers++;
        if (this.tok.kind === 'int' && this.is(':', 1)) {
          proc = Number(this.tok.text);
          this.pos += 2;
        }
        const name = this.ident('a location or register name');
        const value = this.eat('=') ? this.expr() : null;
        const t = type && pointers ? { ...type, pointers: type.pointers + pointers } : type;
        items.push({ type: t, proc, name: name.text, value, span: this.from(start) });
        if (!this.eat(',')) break;
      }
      if (!this.is('}')) this.expect(';', "';' or '}'");
    }
    return items;
  }

  private isType(ahead = 0): boolean {
    const t = this.tokens[this.pos + ahead];
    return t?.kind === 'ident' && (TYPE_NAMES.has(t.text) || QUALIFIERS.has(t.text) || t.text === 'struct');
  }

  private ctype(): CType {
    const start = this.tok.span;
    while (this.tok.kind === 'ident' && QUALIFIERS.has(this.tok.text)) this.pos++;
    if (this.is('struct')) this.fail('structures are not supported in litmus tests');
    let base = this.ident('a type').text;
    // unsigned int, long long, unsigned long ...
    while (this.tok.kind === 'ident' && ['int', 'long', 'short', 'char'].includes(this.tok.text) && ['unsigned', 'signed', 'long', 'short'].includes(base)) {
      base = this.tokens[this.pos++].text === 'int' && base !== 'long' ? base : 'long';
    }
    while (this.tok.kind === 'ident' && QUALIFIERS.has(this.tok.text)) this.pos++;
    let pointers = 0;
    while (this.eat('*')) {
      pointers++;
      while (this.tok.kind === 'ident' && QUALIFIERS.has(this.tok.text)) this.pos++;
    }
    return { base, pointers, span: this.from(start) };
  }

  private process(expected: number): LitmusProcess {
    const head = this.ident('a process');
    const index = Number(head.text.slice(1));
    if (index !== expected) this.fail(`expected process P${expected} here, found ${head.text}`, head.span, 'processes are numbered from P0, in order');
    this.expect('(');
    const params: Param[] = [];
    while (!this.eat(')')) {
      const start = this.tok.span;
      if (!this.isType()) this.fail(`expected a parameter such as 'int *x', found ${this.describe(this.tok)}`);
      const type = this.ctype();
      const name = this.ident('a parameter name');
      params.push({ type, name: name.text, span: this.from(start) });
      if (!this.is(')')) this.expect(',', "',' or ')'");
    }
    const body = this.block();
    return { index, params, body, span: this.from(head.span) };
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    while (!this.eat('}')) {
      if (this.tok.kind === 'eof') this.fail("expected '}' before the end of the file");
      body.push(...this.stmt());
    }
    return body;
  }

  private stmt(): Stmt[] {
    const start = this.tok.span;
    if (this.is('{')) return [{ kind: 'block', body: this.block(), span: this.from(start) }];
    if (this.eat(';')) return [{ kind: 'empty', span: start }];
    if (this.eat('if')) {
      this.expect('(');
      const cond = this.expr();
      this.expect(')');
      const then = this.stmt();
      const els = this.eat('else') ? this.stmt() : [];
      return [{ kind: 'if', cond, then, else: els, span: this.from(start) }];
    }
    if (this.tok.kind === 'ident' && UNSUPPORTED_STMT.has(this.tok.text))
      this.fail(`'${this.tok.text}' is not supported in litmus tests: mmucheck reads loop-free process bodies (declarations, assignments, calls and 'if')`);
    if (this.isType() && !this.is('(', 1)) {
      const type = this.ctype();
      const out: Stmt[] = [];
      for (;;) {
        let pointers = 0;
        while (this.eat('*')) pointers++;
        const name = this.ident('a variable name');
        const init = this.eat('=') ? this.expr() : null;
        out.push({ kind: 'decl', type: { ...type, pointers: type.pointers + pointers }, name: name.text, init, span: this.from(start) });
        if (!this.eat(',')) break;
      }
      this.expect(';');
      return out;
    }
    const e = this.expr();
    if (this.eat('=')) {
      const value = this.expr();
      this.expect(';');
      return [{ kind: 'assign', target: e, value, span: this.from(start) }];
    }
    for (const op of ['+=', '-=', '++', '--']) if (this.is(op)) this.fail(`'${op}' is not supported: write 'r = r + 1;'`);
    this.expect(';');
    return [{ kind: 'expr', expr: e, span: this.from(start) }];
  }

  // Expressions, by C precedence (lowest first).
  expr(): Expr {
    const start = this.tok.span;
    const test = this.binary(0);
    if (!this.eat('?')) return test;
    const then = this.expr();
    this.expect(':');
    const els = this.expr();
    return { kind: 'cond', test, then, else: els, span: this.from(start) };
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [
    ['||'],
    ['&&'],
    ['|'],
    ['^'],
    ['&'],
    ['==', '!='],
    ['<', '<=', '>', '>='],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Expr {
    if (level === LitmusParser.LEVELS.length) return this.unary();
    const start = this.tok.span;
    let left = this.binary(level + 1);
    for (;;) {
      const op = LitmusParser.LEVELS[level].find((o) => this.is(o) && this.tok.kind === 'punct');
      if (!op) return left;
      this.pos++;
      const right = this.binary(level + 1);
      left = { kind: 'binary', op, left, right, span: this.from(start) };
    }
  }

  private unary(): Expr {
    const start = this.tok.span;
    for (const op of ['!', '-', '~', '*', '&'] as const) {
      if (this.is(op) && this.tok.kind === 'punct') {
        this.pos++;
        const arg = this.unary();
        if (op === '-' && arg.kind === 'int') return { kind: 'int', value: -arg.value, span: this.from(start) };
        return { kind: 'unary', op, arg, span: this.from(start) };
      }
    }
    if (this.is('(') && this.isType(1)) {
      this.pos++;
      const type = this.ctype();
      this.expect(')');
      const arg = this.unary();
      return { kind: 'cast', type, arg, span: this.from(start) };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tok;
    if (t.kind === 'int') {
      this.pos++;
      return { kind: 'int', value: Number(t.text), span: t.span };
    }
    if (this.eat('(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.kind === 'ident') {
      this.pos++;
      if (this.eat('(')) {
        const args: Expr[] = [];
        while (!this.eat(')')) {
          args.push(this.expr());
          if (!this.is(')')) this.expect(',', "',' or ')'");
        }
        return { kind: 'call', callee: t.text, calleeSpan: t.span, args, span: this.from(t.span) };
      }
      if (this.is('->') || this.is('.') || this.is('['))
        this.fail(`'${this.tok.text}' is not supported: litmus tests here use scalar locations only`, this.tok.span);
      return { kind: 'name', name: t.text, span: t.span };
    }
    return this.fail(`expected an expression, found ${this.describe(t)}`);
  }

  // The final condition and the filter: herd's propositions over final values.
  private prop(): Prop {
    const start = this.tok.span;
    const left = this.propOr();
    if (this.is('=') && this.is('>', 1)) {
      this.pos += 2;
      const right = this.prop();
      return { kind: 'implies', left, right, span: this.from(start) };
    }
    return left;
  }
  private propOr(): Prop {
    const start = this.tok.span;
    let left = this.propAnd();
    while (this.eat('\\/')) left = { kind: 'or', left, right: this.propAnd(), span: this.from(start) };
    return left;
  }
  private propAnd(): Prop {
    const start = this.tok.span;
    let left = this.propUnary();
    while (this.eat('/\\')) left = { kind: 'and', left, right: this.propUnary(), span: this.from(start) };
    return left;
  }
  private propUnary(): Prop {
    const start = this.tok.span;
    if (this.eat('~') || this.eat('not')) return { kind: 'not', arg: this.propUnary(), span: this.from(start) };
    if (this.eat('(')) {
      const p = this.prop();
      this.expect(')');
      return p;
    }
    if (this.eat('true')) return { kind: 'const', value: true, span: start };
    if (this.eat('false')) return { kind: 'const', value: false, span: start };
    const loc = this.condLoc();
    let negated = false;
    if (this.eat('!=')) negated = true;
    else if (!this.eat('==')) this.expect('=', "'=' after a location of the condition");
    const value = this.condValue();
    return { kind: 'eq', loc, value, negated, span: this.from(start) };
  }
  private condLoc(): CondLoc {
    const start = this.tok.span;
    if (this.tok.kind === 'int' && this.is(':', 1)) {
      const proc = Number(this.tok.text);
      this.pos += 2;
      const name = this.ident('a register name');
      return { kind: 'reg', proc, name: name.text, span: this.from(start) };
    }
    if (this.eat('[')) {
      const name = this.ident('a location name');
      this.expect(']');
      return { kind: 'mem', name: name.text, span: this.from(start) };
    }
    this.eat('*');
    const name = this.ident("a location ('x') or a register ('1:r0')");
    return { kind: 'mem', name: name.text, span: this.from(start) };
  }
  private condValue(): CondValue {
    const start = this.tok.span;
    const neg = Boolean(this.eat('-'));
    if (this.tok.kind === 'int') {
      const v = Number(this.tokens[this.pos++].text);
      return { kind: 'int', value: neg ? -v : v, span: this.from(start) };
    }
    if (!neg && this.eat('&')) return { kind: 'addr', name: this.ident('a location name').text, span: this.from(start) };
    if (!neg && this.tok.kind === 'ident') return { kind: 'addr', name: this.tokens[this.pos++].text, span: this.from(start) };
    return this.fail(`expected a value (an integer or a location's name), found ${this.describe(this.tok)}`);
  }
}
