// The checking stage: resolves names, evaluates constants (with overrides), resolves types,
// and hands process bodies, invariants and properties to the body checker.
import * as A from '../parse/ast.ts';
import { diag, DiagnosticError, type Diagnostic } from '../parse/diagnostic.ts';
import { spanText, type Span } from '../parse/source.ts';
import { BodyChecker, symmetricOf, type Binding, type Scope } from './body.ts';
import { ConstDivisionByZero, evalExact, NotConstant } from './consteval.ts';
import * as I from './ir.ts';
import { loadProgram, type LoadedProgram, type ReadText } from './load.ts';
import { MAX_DEFINITION_CHAIN, MAX_INSTANCES, MAX_STATE_VALUES } from '../parse/bounds.ts';

/** Scalars in a value of type `t`. */
export function valueCount(t: I.Type): number {
  if (I.isScalar(t)) return 1;
  if (t.kind === 'array') return I.typeSize(t.index) * valueCount(t.elem);
  return t.fields.reduce((n, f) => n + valueCount(f.type), 0);
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

function tooManyValues(n: number, span: Span): Diagnostic {
  return diag('size', `${n.toLocaleString('en-US')} values: a state holds at most ${MAX_STATE_VALUES.toLocaleString('en-US')} (docs/limits.md)`, span);
}

export type ConstOverrides = Readonly<Record<string, string | number | boolean>>;

export interface CheckResult {
  model?: I.CheckedModel;
  diagnostics: Diagnostic[];
}

export function checkFile(path: string, overrides: ConstOverrides = {}, readText?: ReadText): CheckResult {
  const loaded = loadProgram(path, readText);
  if (!loaded.program) return { diagnostics: loaded.diagnostics };
  if (loaded.diagnostics.length) return { diagnostics: loaded.diagnostics };
  return checkProgram(loaded.program, overrides);
}

export type Entry =
  | { kind: 'const'; decl: Extract<A.Decl, { kind: 'const' }> }
  | { kind: 'enum'; decl: Extract<A.Decl, { kind: 'enum' }>; type: I.Type }
  | { kind: 'member'; type: I.Type; index: number; span: Span }
  | { kind: 'type'; decl: Extract<A.Decl, { kind: 'type' }> }
  | { kind: 'struct'; decl: Extract<A.Decl, { kind: 'struct' }> }
  | { kind: 'location'; decl: Extract<A.Decl, { kind: 'location' }>; index: number }
  | { kind: 'inline'; decl: Extract<A.Decl, { kind: 'inline' }> }
  | { kind: 'process'; decl: Extract<A.Decl, { kind: 'process' }>; index: number }
  | { kind: 'invariant'; decl: Extract<A.Decl, { kind: 'invariant' }> }
  | { kind: 'property'; decl: Extract<A.Decl, { kind: 'property' }> };

export function checkProgram(program: LoadedProgram, overrides: ConstOverrides = {}): CheckResult {
  const c = new ModelChecker(program, overrides);
  return c.run();
}

export class ModelChecker {
  readonly diagnostics: Diagnostic[] = [];
  readonly entries = new Map<string, Entry>();
  private readonly constCache = new Map<string, I.ConstantValue | 'busy'>();
  private readonly typeCache = new Map<string, I.Type | 'busy'>();
  readonly globals: I.Global[] = [];
  readonly processDecls: Extract<A.Decl, { kind: 'process' }>[] = [];
  /** Labels of each process (syntactic, through inline calls), for `p@L`. */
  readonly processLabels: Set<string>[] = [];
  readonly processParamTypes: (I.ScalarType | null)[] = [];
  /** Constants and types being resolved right now, one inside another. */
  private chain = 0;
  private chainTooLong: Diagnostic | undefined;
  private badOverride = false;

  constructor(
    private readonly program: LoadedProgram,
    private readonly overrides: ConstOverrides,
  ) {}

  report(d: Diagnostic): void {
    // A failing constant or type is met at every use; say it once.
    const same = (x: Diagnostic) => x.message === d.message && x.span?.start === d.span?.start && x.span?.file === d.span?.file;
    if (!this.diagnostics.some(same)) this.diagnostics.push(d);
  }

  /** Run `f`, turning a thrown diagnostic into a reported one. */
  guard<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof DiagnosticError) {
        this.report(e.diagnostic);
        return undefined;
      }
      throw e;
    }
  }

  run(): CheckResult {
    const decls = this.program.decls;
    let modelName: string | undefined;
    for (const d of decls) {
      if (d.kind === 'model') {
        if (modelName !== undefined) this.report(diag('duplicate', 'a second model line', d.span));
        modelName = d.name.name;
      }
    }
    if (modelName === undefined) {
      const span: Span = { file: this.program.mainFile, start: 0, end: 0 };
      this.report(diag('syntax', "the model must start with 'model NAME;'", span));
    }
    this.declareNames(decls);
    this.checkOverrides();
    const constants = this.allConstants();
    // A bad --const would be reported again at every use of the constant, as a type it does not
    // have: say it once and stop (mistakes in the file itself are all reported).
    if (this.badOverride) return { diagnostics: this.diagnostics };
    // Symmetric types, each checked once even when nothing uses it.
    const symmetricTypes: I.SymmetricType[] = [];
    for (const d of decls) {
      if (d.kind !== 'type' || !d.symmetric) continue;
      const t = this.guard(() => this.namedType(d.name));
      if (t?.kind === 'int') symmetricTypes.push({ name: d.name.name, lo: t.lo, hi: t.hi, span: d.span });
    }
    // Locations.
    for (const d of decls) {
      if (d.kind !== 'location') continue;
      // Keep the type when only the initialiser is wrong, so uses of the location still check.
      const type = this.guard(() => this.resolveType(d.type));
      const init = type && this.guard(() => (d.init ? this.initValue(type, d.init) : I.defaultValue(type)));
      const checked = type && init !== undefined ? { name: d.name.name, type, ghost: d.ghost, init, span: d.span } : undefined;
      this.globals.push(checked ?? { name: d.name.name, type: type ?? { kind: 'bool' }, ghost: d.ghost, init: 0, span: d.span });
    }
    // Process parameters and labels, needed before any body refers to another process.
    for (const p of this.processDecls) {
      const t = p.param
        ? this.guard(() => {
            const type = this.scalarType(p.param!.type, 'a process parameter');
            const n = I.typeSize(type);
            if (n > MAX_INSTANCES)
              throw new DiagnosticError(
                diag(
                  'size',
                  `${n.toLocaleString('en-US')} instances of '${p.name.name}': at most ${MAX_INSTANCES.toLocaleString('en-US')} (docs/limits.md)`,
                  p.param!.type.span,
                ),
              );
            return type;
          })
        : null;
      this.processParamTypes.push(t ?? null);
      this.processLabels.push(this.collectLabels(p.body));
    }
    const body = new BodyChecker(this);
    const processes: I.Process[] = [];
    this.processDecls.forEach((p, i) => {
      const checked = body.process(p, i);
      if (checked) processes.push(checked);
    });
    const invariants: I.Invariant[] = [];
    for (const d of decls) {
      if (d.kind !== 'invariant') continue;
      const inv = body.invariant(d);
      if (inv) invariants.push(inv);
    }
    const properties: I.Property[] = [];
    for (const d of decls) {
      if (d.kind !== 'property') continue;
      const prop = body.property(d);
      if (prop) properties.push(prop);
    }
    if (processes.length === 0 && this.processDecls.length === 0 && modelName !== undefined)
      this.report(diag('empty', 'the model declares no process', { file: this.program.mainFile, start: 0, end: 0 }));
    if (this.diagnostics.length) return { diagnostics: this.diagnostics };
    return {
      model: {
        name: modelName!,
        mainFile: this.program.mainFile,
        files: this.program.files,
        constants,
        globals: this.globals,
        processes,
        invariants,
        properties,
        symmetricTypes,
      },
      diagnostics: [],
    };
  }

  // ---- names -------------------------------------------------------------------------
  private declareNames(decls: A.Decl[]): void {
    const add = (name: A.Ident, entry: Entry) => {
      const prev = this.entries.get(name.name);
      if (prev) {
        this.report(diag('duplicate', `'${name.name}' is already declared`, name.span));
        return;
      }
      this.entries.set(name.name, entry);
    };
    let locations = 0;
    for (const d of decls) {
      switch (d.kind) {
        case 'model':
        case 'import':
          break;
        case 'const':
          add(d.name, { kind: 'const', decl: d });
          break;
        case 'enum': {
          const type: I.Type = { kind: 'enum', name: d.name.name, members: d.members.map((m) => m.name) };
          add(d.name, { kind: 'enum', decl: d, type });
          d.members.forEach((m, index) => add(m, { kind: 'member', type, index, span: m.span }));
          break;
        }
        case 'type':
          add(d.name, { kind: 'type', decl: d });
          break;
        case 'struct':
          add(d.name, { kind: 'struct', decl: d });
          break;
        case 'location':
          add(d.name, { kind: 'location', decl: d, index: locations++ });
          break;
        case 'inline':
          add(d.name, { kind: 'inline', decl: d });
          break;
        case 'process':
          add(d.name, { kind: 'process', decl: d, index: this.processDecls.length });
          this.processDecls.push(d);
          break;
        case 'invariant':
          add(d.name, { kind: 'invariant', decl: d });
          break;
        case 'property':
          add(d.name, { kind: 'property', decl: d });
          break;
        default:
          A.assertNever(d);
      }
    }
  }

  /**
   * The labels of a body and of every inline it calls, directly or not. Without recursion (inline
   * bodies nest statements, and inlines nest), and each inline walked once (an inline called
   * twice by each of 30 others is not walked 2^30 times).
   */
  private collectLabels(body: A.Stmt[]): Set<string> {
    const out = new Set<string>();
    const walked = new Set<string>();
    const todo: A.Stmt[] = [...body];
    while (todo.length) {
      const s = todo.pop()!;
      switch (s.kind) {
        case 'label':
          out.add(s.name.name);
          todo.push(s.stmt);
          break;
        case 'if':
          todo.push(...s.then, ...(s.else ?? []));
          break;
        case 'while':
        case 'loop':
        case 'for':
        case 'atomic':
          todo.push(...s.body);
          break;
        case 'either':
          for (const b of s.branches) todo.push(...b);
          break;
        case 'call': {
          const e = this.entries.get(s.call.callee.name);
          if (e?.kind === 'inline' && !walked.has(e.decl.name.name)) {
            walked.add(e.decl.name.name);
            todo.push(...e.decl.body);
          }
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  // ---- constants -----------------------------------------------------------------------
  private checkOverrides(): void {
    const names = [...this.entries.values()].filter((e) => e.kind === 'const').map((e) => e.decl.name.name);
    for (const name of Object.keys(this.overrides)) {
      const e = this.entries.get(name);
      if (e?.kind !== 'const')
        this.report(
          diag('const', `unknown constant '${name}'`, undefined, {
            notes: [names.length ? `the model's constants are: ${names.join(', ')}` : 'the model declares no constants'],
          }),
        );
    }
  }

  private allConstants(): I.ConstantValue[] {
    const out: I.ConstantValue[] = [];
    for (const e of this.entries.values()) {
      if (e.kind !== 'const') continue;
      const v = this.guard(() => this.constant(e.decl));
      if (v) out.push(v);
    }
    return out;
  }

  /** Runs `f` one definition deeper (docs/limits.md: MAX_DEFINITION_CHAIN); reported once. */
  private deeper<T>(span: Span, f: () => T): T {
    if (this.chainTooLong) throw new DiagnosticError(this.chainTooLong); // the model fails anyway: no quadratic retries
    if (this.chain >= MAX_DEFINITION_CHAIN) {
      this.chainTooLong ??= diag('nesting', `defined through a chain of more than ${MAX_DEFINITION_CHAIN} constants or types`, span, {
        hint: 'docs/limits.md',
      });
      throw new DiagnosticError(this.chainTooLong);
    }
    this.chain++;
    try {
      return f();
    } finally {
      this.chain--;
    }
  }

  constant(decl: Extract<A.Decl, { kind: 'const' }>): I.ConstantValue {
    const name = decl.name.name;
    const cached = this.constCache.get(name);
    if (cached === 'busy') throw new DiagnosticError(diag('const', `constant '${name}' is defined in terms of itself`, decl.name.span));
    if (cached) return cached;
    return this.deeper(decl.name.span, () => this.constantAt(decl));
  }

  private constantAt(decl: Extract<A.Decl, { kind: 'const' }>): I.ConstantValue {
    const name = decl.name.name;
    this.constCache.set(name, 'busy');
    try {
      const body = new BodyChecker(this);
      const checked = body.expr(decl.value, null);
      const sym = symmetricOf(checked.type);
      if (sym !== undefined) throw new DiagnosticError(diag('type', `a constant cannot be a value of symmetric type ${sym}`, decl.value.span));
      const type = checked.type.kind === 'int' ? ({ kind: 'int', lo: -Infinity, hi: Infinity } as const) : checked.type;
      if (type.kind === 'array' || type.kind === 'struct')
        throw new DiagnosticError(diag('type', 'a constant must be an integer, a bool or an enum member', decl.value.span));
      let result: I.ConstantValue;
      if (Object.hasOwn(this.overrides, name)) {
        result = { name, value: this.overrideValue(name, type, this.overrides[name]), type, overridden: true };
      } else {
        result = { name, value: this.constValue(checked), type, overridden: false };
      }
      this.constCache.set(name, result);
      return result;
    } catch (e) {
      this.constCache.delete(name);
      throw e;
    }
  }

  private overrideValue(name: string, type: I.Type, raw: string | number | boolean): number {
    const text0 = String(raw);
    const shown = text0.length > 40 ? `${text0.slice(0, 40)}… (${text0.length} characters)` : text0;
    const bad = (expected: string): never => {
      this.badOverride = true;
      throw new DiagnosticError(
        diag('const', `constant '${name}' takes ${expected}, not '${shown}'`, undefined, {
          notes: [`the model's constants are: ${this.constSummary()}`],
        }),
      );
    };
    const text = String(raw).trim();
    if (type.kind === 'bool') {
      if (text === 'true') return 1;
      if (text === 'false') return 0;
      return bad('true or false');
    }
    if (type.kind === 'enum') {
      const i = type.members.indexOf(text);
      return i >= 0 ? i : bad(`a member of ${type.name} (${type.members.join(', ')})`);
    }
    if (!/^-?[0-9]+$/.test(text)) return bad('an integer');
    const v = BigInt(text);
    if (v < INT32_MIN || v > INT32_MAX) return bad(`an integer that fits in 32 bits (${INT32_MIN}..${INT32_MAX})`);
    return Number(v);
  }

  private constSummary(): string {
    return [...this.entries.values()]
      .filter((e) => e.kind === 'const')
      .map((e) => e.decl.name.name)
      .join(', ');
  }

  /** The value of a checked constant expression, or a diagnostic at its span. */
  constValue(e: I.Expr, what = 'a constant expression'): number {
    try {
      // Exact, and then it must fit in a state's 32-bit slot (docs/limits.md).
      const v = evalExact(e);
      if (v < INT32_MIN || v > INT32_MAX)
        throw new DiagnosticError(diag('const', `${what} is ${v}, which does not fit in 32 bits (${INT32_MIN}..${INT32_MAX})`, e.span));
      return Number(v);
    } catch (err) {
      if (err instanceof NotConstant) throw new DiagnosticError(diag('const', `expected ${what}: this reads state`, e.span));
      if (err instanceof ConstDivisionByZero) throw new DiagnosticError(diag('const', 'division by zero in a constant expression', e.span));
      throw err;
    }
  }

  // ---- types ---------------------------------------------------------------------------
  resolveType(t: A.TypeExpr | A.Expr): I.Type {
    switch (t.kind) {
      case 'bool':
        return { kind: 'bool' };
      case 'range': {
        for (const b of [t.lo, t.hi]) {
          if (b.kind !== 'name') continue;
          const e = this.entries.get(b.name);
          if (e?.kind === 'type' && e.decl.symmetric)
            throw new DiagnosticError(diag('type', `symmetric type '${b.name}' cannot be used as the bound of another type`, b.span));
        }
        const body = new BodyChecker(this);
        const lo = this.constValue(body.intExpr(t.lo, null), 'a constant bound');
        const hi = this.constValue(body.intExpr(t.hi, null), 'a constant bound');
        if (lo > hi) throw new DiagnosticError(diag('type', `empty range ${lo}..${hi}`, t.span));
        // States hold every value in a 32-bit slot.
        if (lo < -(2 ** 31) || hi > 2 ** 31 - 1)
          throw new DiagnosticError(diag('type', `range ${lo}..${hi} does not fit in 32 bits (${-(2 ** 31)}..${2 ** 31 - 1})`, t.span));
        return { kind: 'int', lo, hi };
      }
      case 'array': {
        let index: I.ScalarType;
        if (t.index.kind === 'bool' || t.index.kind === 'range' || t.index.kind === 'array' || t.index.kind === 'named') {
          index = this.scalarType(t.index, 'an array index');
        } else if (t.index.kind === 'name' && this.isTypeName(t.index.name)) {
          index = this.scalarType({ kind: 'named', name: { name: t.index.name, span: t.index.span }, span: t.index.span }, 'an array index');
        } else {
          const n = this.constValue(new BodyChecker(this).intExpr(t.index, null), 'an array size');
          if (n < 1) throw new DiagnosticError(diag('type', `array size must be at least 1, not ${n}`, t.index.span));
          if (n > MAX_STATE_VALUES) throw new DiagnosticError(tooManyValues(n, t.index.span));
          index = { kind: 'int', lo: 0, hi: n - 1 };
        }
        const size = I.typeSize(index);
        if (size > MAX_STATE_VALUES) throw new DiagnosticError(tooManyValues(size, t.index.span));
        const array: I.Type = { kind: 'array', index, elem: this.resolveType(t.elem) };
        const values = valueCount(array);
        if (values > MAX_STATE_VALUES) throw new DiagnosticError(tooManyValues(values, t.span));
        return array;
      }
      case 'named':
        return this.namedType(t.name);
      default:
        throw new DiagnosticError(diag('type', 'expected a type', t.span));
    }
  }

  isTypeName(name: string): boolean {
    const e = this.entries.get(name);
    return e?.kind === 'type' || e?.kind === 'enum' || e?.kind === 'struct';
  }

  scalarType(t: A.TypeExpr, what: string): I.ScalarType {
    const r = this.resolveType(t);
    if (!I.isScalar(r)) throw new DiagnosticError(diag('type', `${what} must be bool, an integer range or an enum`, t.span));
    return r;
  }

  namedType(name: A.Ident): I.Type {
    const e = this.entries.get(name.name);
    if (!e) throw new DiagnosticError(diag('unknown-name', `unknown type '${name.name}'`, name.span));
    if (e.kind === 'enum') return e.type;
    if (e.kind !== 'type' && e.kind !== 'struct') throw new DiagnosticError(diag('type', `'${name.name}' is not a type`, name.span));
    const cached = this.typeCache.get(name.name);
    if (cached === 'busy') throw new DiagnosticError(diag('type', `type '${name.name}' is defined in terms of itself`, name.span));
    if (cached) return cached;
    return this.deeper(name.span, () => this.namedTypeAt(name, e));
  }

  private namedTypeAt(name: A.Ident, e: Extract<Entry, { kind: 'type' | 'struct' }>): I.Type {
    this.typeCache.set(name.name, 'busy');
    try {
      let t: I.Type;
      if (e.kind === 'type' && e.decl.symmetric) {
        // Only an integer range: its values are the names that may be permuted.
        if (e.decl.type.kind !== 'range') throw new DiagnosticError(diag('type', `a symmetric type must be an integer range LO..HI`, e.decl.type.span));
        const r = this.resolveType(e.decl.type) as Extract<I.Type, { kind: 'int' }>;
        t = { kind: 'int', lo: r.lo, hi: r.hi, symmetric: name.name };
      } else if (e.kind === 'type') t = this.resolveType(e.decl.type);
      else {
        const seen = new Set<string>();
        const fields = e.decl.fields.map((f) => {
          if (seen.has(f.name.name)) throw new DiagnosticError(diag('duplicate', `duplicate field '${f.name.name}'`, f.name.span));
          seen.add(f.name.name);
          return { name: f.name.name, type: this.resolveType(f.type) };
        });
        t = { kind: 'struct', name: name.name, fields };
      }
      this.typeCache.set(name.name, t);
      return t;
    } catch (err) {
      this.typeCache.delete(name.name);
      throw err;
    }
  }

  /** An initialiser: a constant of the type, or a scalar filling every element. */
  initValue(type: I.Type, init: A.Expr): I.Value {
    const body = new BodyChecker(this);
    const e = body.expr(init, null);
    const v = this.constValue(e, 'a constant initialiser');
    const fill = (t: I.Type): I.Value => {
      if (t.kind === 'array') return I.typeValues(t.index).map(() => fill(t.elem));
      if (t.kind === 'struct') return t.fields.map((f) => fill(f.type));
      const sym = symmetricOf(t);
      if (sym !== undefined) {
        // No constant is a value of a symmetric type: the location starts at the first value.
        const what = t === type ? 'a location' : 'an element or field';
        throw new DiagnosticError(
          diag(
            'type',
            `${what} of symmetric type ${sym} cannot have an initialiser: a value of ${sym} cannot be written as a literal or a constant; without '= ${spanText(init.span)}' it starts at ${sym}'s first value`,
            init.span,
          ),
        );
      }
      body.assignable(t, e.type, init.span);
      if (t.kind === 'int' && (v < t.lo || v > t.hi)) throw new DiagnosticError(diag('range', `initial value ${v} is outside ${I.showType(t)}`, init.span));
      return v;
    };
    return fill(type);
  }
}

export type { Binding, Scope };
