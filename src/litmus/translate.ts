// Translates a C litmus test into a model of the mmucheck language, which the ordinary stages
// then check, compile and explore. What the language cannot say is a diagnostic at its place.
//
// The shape of the model:
// - one value type `V = -R..R` for every location and register, wide enough that no value of
//   the test can leave it (the test has no loops: each statement runs at most once);
// - a location whose address the test uses as a value (`int *p = &x;`, `WRITE_ONCE(*p, x)`,
//   `1:r0=x` in the condition) has an address code above every integer value; when some
//   register is dereferenced (`READ_ONCE(*r0)`), those locations are the elements of one
//   array `mem`, and `*r0` is `mem[r0 - BASE]`, so that the load carries the address
//   dependency as the language's array index does. An element whose initial value is not 0
//   is stored shifted by that value (the language has no array initialiser per element);
// - spinlocks and RCU are those of models/lib (spinlock.mmu, rcu.mmu);
// - one process per Pn, its registers as locals.
import type { Diagnostic } from '../parse/diagnostic.ts';
import { diag, DiagnosticError } from '../parse/diagnostic.ts';
import type { Span } from '../parse/source.ts';
import { AVAILABLE, formOf, type Form } from './forms.ts';
import { allStatements, type CondLoc, type Expr, type LitmusTest, type Prop, type Stmt, subexpressions } from './syntax.ts';

/** Where a location of the final condition lives in the model. */
export type ObservedLoc =
  | { readonly kind: 'global'; readonly label: string; readonly global: string; readonly element: number | null; readonly shift: number }
  | { readonly kind: 'local'; readonly label: string; readonly process: string; readonly local: string };

/** A proposition over observed locations (indices into Translation.locations). */
export type FinalProp =
  | { readonly kind: 'eq'; readonly loc: number; readonly value: number; readonly negated: boolean }
  | { readonly kind: 'and' | 'or' | 'implies'; readonly left: FinalProp; readonly right: FinalProp }
  | { readonly kind: 'not'; readonly arg: FinalProp }
  | { readonly kind: 'const'; readonly value: boolean };

export interface Translation {
  readonly test: LitmusTest;
  readonly modelName: string;
  readonly source: string;
  /** Every location the condition, the filter or `locations [...]` reads. */
  readonly locations: readonly ObservedLoc[];
  /** Those a final state is shown and counted by (herd7: condition and `locations`), in order. */
  readonly shown: readonly number[];
  readonly condition: FinalProp;
  readonly filter: FinalProp | null;
  /** Pending stores and older messages the test can need: no bound removes a behaviour. */
  readonly storeBuffer: number;
  /** Address codes and the locations they name, for showing values. */
  readonly addressNames: ReadonlyMap<number, string>;
}

export interface LibraryPaths {
  readonly spinlock: string;
  readonly rcu: string;
}

// Names the model may not use for a location or register (language keywords, library names).
const RESERVED = new Set(
  (
    'model import const enum type struct shared ghost inline process background fair invariant property var if else while for loop ' +
    'atomic await assert skip either or break continue return true false bool any forall exists count sum done eventually symmetric ' +
    'READ_ONCE WRITE_ONCE xchg cmpxchg fetch_add fetch_sub set_bit clear_bit test_and_set_bit test_and_clear_bit smp_load_acquire ' +
    'smp_store_release smp_mb smp_wmb smp_rmb dsb isb V mem Lock Unlocked Locked Cpu rcu_in_cs rcu_cpu spin_lock spin_unlock ' +
    'spin_trylock spin_lock_irq spin_unlock_irq rcu_read_lock rcu_read_unlock synchronize_rcu local_irq_disable local_irq_enable'
  ).split(' '),
);

function fail(message: string, span: Span, hint?: string): never {
  throw new DiagnosticError(diag('litmus', message, span, hint ? { hint } : undefined));
}

interface Location {
  readonly name: string;
  readonly mmu: string;
  readonly lock: boolean;
  readonly span: Span;
  init: Expr | null;
  address: number | null; // its address code, when its address is used
  element: number | null; // its index in `mem`
  initValue: number;
}

type Val = { readonly text: string; readonly bool: boolean };

export function translateLitmus(test: LitmusTest, lib: LibraryPaths): { translation?: Translation; diagnostics: Diagnostic[] } {
  try {
    return { translation: new Translator(test, lib).run(), diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticError) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

class Translator {
  private readonly locations = new Map<string, Location>();
  private readonly registers: Map<string, { mmu: string; init: number | Expr }>[] = [];
  private base = 0; // the first address code
  private radius = 0;
  private usesMem = false;
  private usesLock = false;
  private usesRcu = false;
  private temps = 0;
  private boolTemps = 0;

  constructor(
    private readonly test: LitmusTest,
    private readonly lib: LibraryPaths,
  ) {}

  private mangle(name: string): string {
    return RESERVED.has(name) || name.startsWith('__') ? `${name}_` : name;
  }

  run(): Translation {
    const t = this.test;
    this.collectLocations();
    this.collectRegisters();
    this.collectAddresses();
    this.checkForms();
    this.computeRange();
    this.resolveInits();
    const body = t.processes.map((p) => this.process(p.index));
    const head: string[] = [`model ${modelName(t.name)};`, '', `// Translated by mmucheck from the C litmus test ${t.name}.`];
    if (this.usesLock) head.push(`import ${JSON.stringify(this.lib.spinlock)};`);
    if (this.usesRcu) head.push(`type Cpu = 0..${t.processes.length - 1};`, `import ${JSON.stringify(this.lib.rcu)};`);
    head.push(`type V = ${-this.radius}..${this.radius};`);
    const mem = [...this.locations.values()].filter((l) => l.element !== null).sort((a, b) => a.element! - b.element!);
    for (const l of this.locations.values()) {
      if (l.element !== null) continue;
      head.push(l.lock ? `shared ${l.mmu}: Lock = Unlocked;` : `shared ${l.mmu}: V = ${l.initValue};`);
    }
    if (mem.length)
      head.push(
        `shared mem: [${mem.length}]V = 0; // ${mem.map((l) => `${l.element}: ${l.name}${l.initValue ? ` (stored minus ${l.initValue})` : ''}`).join(', ')}`,
      );
    const observed = this.observed();
    return {
      test: t,
      modelName: modelName(t.name),
      source: [...head, '', ...body, ''].join('\n'),
      ...observed,
      storeBuffer: this.storeBound(),
      addressNames: new Map([...this.locations.values()].filter((l) => l.address !== null).map((l) => [l.address!, l.name])),
    };
  }

  // --- what the test declares ------------------------------------------------------------

  private location(name: string, span: Span, lock: boolean): Location {
    let l = this.locations.get(name);
    if (!l) {
      l = { name, mmu: this.mangle(name), lock, span, init: null, address: null, element: null, initValue: 0 };
      this.locations.set(name, l);
    } else if (l.lock !== lock) fail(`'${name}' is a spinlock in one place and an ordinary location in another`, span);
    return l;
  }

  private collectLocations(): void {
    for (const item of this.test.init) {
      if (item.proc !== null) continue;
      const lock = item.type?.base === 'spinlock_t' && item.type.pointers === 0;
      const l = this.location(item.name, item.span, lock);
      if (item.value) {
        if (lock) fail('a spinlock starts unlocked; it takes no initial value', item.value.span);
        l.init = item.value;
      }
    }
    for (const p of this.test.processes)
      for (const param of p.params) {
        if (param.type.pointers === 0) fail(`parameter '${param.name}' must be a pointer to a shared location, as in 'int *${param.name}'`, param.span);
        this.location(param.name, param.span, param.type.base === 'spinlock_t' && param.type.pointers === 1);
      }
    // herd7 makes a location of a name that only an initial value mentions (`p=y;`).
    for (const item of this.test.init) {
      const v = item.value;
      const named = v?.kind === 'name' ? v : v?.kind === 'unary' && v.op === '&' && v.arg.kind === 'name' ? v.arg : null;
      if (named && named.kind === 'name' && !this.locations.has(named.name)) this.location(named.name, named.span, false);
    }
    if (this.locations.size === 0) fail('the test has no shared location', this.test.nameSpan);
  }

  private collectRegisters(): void {
    for (const p of this.test.processes) {
      const regs = new Map<string, { mmu: string; init: number | Expr }>();
      this.registers.push(regs);
      const params = new Set(p.params.map((x) => x.name));
      const visit = (ss: readonly Stmt[]) => {
        for (const s of ss) {
          if (s.kind === 'decl') {
            if (params.has(s.name)) fail(`'${s.name}' is already a parameter of P${p.index}`, s.span);
            if (s.type.base === 'spinlock_t') fail('a spinlock must be a shared location (a parameter), not a local', s.span);
            if (!regs.has(s.name)) regs.set(s.name, { mmu: this.mangle(s.name), init: 0 });
          } else if (s.kind === 'assign' && s.target.kind === 'name' && !params.has(s.target.name) && !regs.has(s.target.name)) {
            // herd7 lets a register be assigned without a declaration.
            regs.set(s.target.name, { mmu: this.mangle(s.target.name), init: 0 });
          } else if (s.kind === 'if') {
            visit(s.then);
            visit(s.else);
          } else if (s.kind === 'block') visit(s.body);
        }
      };
      visit(p.body);
    }
    for (const item of this.test.init) {
      if (item.proc === null) continue;
      const regs = this.registers[item.proc];
      if (!regs) fail(`the test has no process P${item.proc}`, item.span);
      const r = regs.get(item.name) ?? { mmu: this.mangle(item.name), init: 0 };
      if (item.value) r.init = item.value;
      regs.set(item.name, r);
    }
  }

  /** Locations whose address is a value somewhere, and whether some register is dereferenced. */
  private collectAddresses(): void {
    const taken = new Set<string>();
    const expr = (e: Expr, proc: number | null, asValue: boolean): void => {
      switch (e.kind) {
        case 'int':
          return;
        case 'name':
          if (asValue && this.locations.has(e.name) && (proc === null || !this.registers[proc].has(e.name))) taken.add(e.name);
          return;
        case 'unary':
          if (e.op === '&' && e.arg.kind === 'name') {
            if (!this.locations.has(e.arg.name)) fail(`'${e.arg.name}' is not a shared location`, e.arg.span);
            taken.add(e.arg.name);
            return;
          }
          if (e.op === '*' && e.arg.kind === 'name' && proc !== null && this.registers[proc].has(e.arg.name)) this.usesMem = true;
          return expr(e.arg, proc, e.op !== '*');
        case 'binary':
          expr(e.left, proc, true);
          return expr(e.right, proc, true);
        case 'cond':
          expr(e.test, proc, true);
          expr(e.then, proc, true);
          return expr(e.else, proc, true);
        case 'cast':
          return expr(e.arg, proc, asValue);
        case 'call': {
          const f = formOf(e.callee);
          e.args.forEach((a, i) => {
            const isLoc = f !== undefined && locArgIndex(f) === i;
            if (isLoc && a.kind === 'name' && proc !== null && this.registers[proc].has(a.name)) this.usesMem = true;
            expr(a, proc, !isLoc);
          });
        }
      }
    };
    const stmts = (ss: readonly Stmt[], proc: number): void => {
      for (const s of ss) {
        if (s.kind === 'decl' && s.init) expr(s.init, proc, true);
        else if (s.kind === 'assign') {
          expr(s.target, proc, false);
          expr(s.value, proc, true);
        } else if (s.kind === 'expr') expr(s.expr, proc, true);
        else if (s.kind === 'if') {
          expr(s.cond, proc, true);
          stmts(s.then, proc);
          stmts(s.else, proc);
        } else if (s.kind === 'block') stmts(s.body, proc);
      }
    };
    for (const item of this.test.init) if (item.value) expr(item.value, null, true);
    for (const p of this.test.processes) stmts(p.body, p.index);
    const props = (p: Prop | null): void => {
      if (!p) return;
      if (p.kind === 'eq') {
        if (p.value.kind === 'addr') {
          if (!this.locations.has(p.value.name)) fail(`'${p.value.name}' is not a shared location of the test`, p.value.span);
          taken.add(p.value.name);
        }
      } else if (p.kind === 'not') props(p.arg);
      else if (p.kind !== 'const') {
        props(p.left);
        props(p.right);
      }
    };
    props(this.test.condition);
    props(this.test.filter);
    let k = 0;
    for (const l of this.locations.values()) {
      if (!taken.has(l.name)) continue;
      if (l.lock) fail(`the address of the spinlock '${l.name}' cannot be used as a value`, l.span);
      l.address = k++; // made absolute once the range is known
      if (this.usesMem) l.element = l.address;
    }
  }

  /** Every call must be a known form the language has now. */
  private checkForms(): void {
    const visit = (e: Expr): void => {
      if (e.kind === 'call') {
        const f = formOf(e.callee);
        if (!f) fail(`'${e.callee}' is not a kernel primitive mmucheck knows`, e.calleeSpan, 'see docs/litmus.md for the supported subset');
        if (f.kind === 'unsupported') fail(`'${e.callee}' is not supported: ${f.why}`, e.calleeSpan);
        if (!AVAILABLE.has(f.mmu))
          fail(
            `'${e.callee}' is not supported yet: its ordering (the language's '${f.mmu}') is not in this version of mmucheck`,
            e.calleeSpan,
            'docs/litmus.md lists the forms and what each needs',
          );
      }
      subexpressions(e).forEach(visit);
    };
    for (const p of this.test.processes)
      for (const s of allStatements(p.body)) {
        if (s.kind === 'decl' && s.init) visit(s.init);
        else if (s.kind === 'assign') {
          visit(s.target);
          visit(s.value);
        } else if (s.kind === 'expr') visit(s.expr);
        else if (s.kind === 'if') visit(s.cond);
      }
  }

  /**
   * Every integer of the test is at most M in size; each addition or subtraction at most
   * doubles the largest value (no statement runs twice). Address codes come after that.
   */
  private computeRange(): void {
    let m = 1;
    let adds = 0;
    const visit = (e: Expr | null): void => {
      if (!e) return;
      if (e.kind === 'int') m = Math.max(m, Math.abs(e.value));
      else if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) adds++;
      else if (e.kind === 'call') {
        const f = formOf(e.callee);
        if (f?.kind === 'rmw' && !/^(xchg|cmpxchg)/.test(f.mmu)) adds += 2; // old + operand, and the new value
      }
      subexpressions(e).forEach(visit);
    };
    for (const item of this.test.init) visit(item.value);
    for (const p of this.test.processes)
      for (const s of allStatements(p.body)) {
        if (s.kind === 'decl') visit(s.init);
        else if (s.kind === 'assign') {
          visit(s.target);
          visit(s.value);
        } else if (s.kind === 'expr') visit(s.expr);
        else if (s.kind === 'if') visit(s.cond);
      }
    const props = (p: Prop | null): void => {
      if (!p) return;
      if (p.kind === 'eq' && p.value.kind === 'int') m = Math.max(m, Math.abs(p.value.value));
      else if (p.kind === 'not') props(p.arg);
      else if (p.kind === 'and' || p.kind === 'or' || p.kind === 'implies') {
        props(p.left);
        props(p.right);
      }
    };
    props(this.test.condition);
    props(this.test.filter);
    const bound = m * 2 ** Math.min(adds, 40);
    if (bound > 1 << 20) fail('the values this test computes may grow too large for mmucheck to represent', this.test.nameSpan);
    this.base = bound + 1;
    for (const l of this.locations.values()) if (l.address !== null) l.address += this.base;
    const addresses = [...this.locations.values()].filter((l) => l.address !== null).length;
    // Shifted elements of `mem` hold a value minus an initial value: twice the largest value.
    this.radius = 2 * (this.base + addresses);
  }

  /** A constant initial value: an integer, `-n`, `&x`, `x` (an address) or ATOMIC_INIT(n). */
  private constant(e: Expr): number {
    if (e.kind === 'int') return e.value;
    if (e.kind === 'name' || (e.kind === 'unary' && e.op === '&' && e.arg.kind === 'name')) {
      const name = e.kind === 'name' ? e.name : (e.arg as { name: string }).name;
      const l = this.locations.get(name);
      if (!l) fail(`'${name}' is not a shared location of the test`, e.span);
      return l.address!;
    }
    if (e.kind === 'call' && e.callee === 'ATOMIC_INIT' && e.args.length === 1) return this.constant(e.args[0]);
    return fail('an initial value must be an integer or the address of a location', e.span);
  }

  private resolveInits(): void {
    for (const l of this.locations.values()) if (l.init) l.initValue = this.constant(l.init);
    for (const regs of this.registers) for (const r of regs.values()) if (typeof r.init !== 'number') r.init = this.constant(r.init);
  }

  // --- process bodies ----------------------------------------------------------------------

  private proc = 0;
  private out: string[] = [];
  private depth = 1;

  private emit(line: string): void {
    this.out.push(`${'  '.repeat(this.depth)}${line}`);
  }

  private process(index: number): string {
    this.proc = index;
    this.out = [];
    this.depth = 1;
    const p = this.test.processes[index];
    this.stmts(p.body);
    const locals = [...this.registers[index].values()].map((r) => `  var ${r.mmu}: V = ${r.init as number};`);
    for (let i = 0; i < this.temps; i++) locals.push(`  var __t${i}: V;`);
    for (let i = 0; i < this.boolTemps; i++) locals.push(`  var __b${i}: bool;`);
    this.temps = 0;
    this.boolTemps = 0;
    const body = this.out.length ? this.out : ['  skip;'];
    return [`process P${index} {`, ...locals, ...body, '}', ''].join('\n');
  }

  private stmts(ss: readonly Stmt[]): void {
    for (const s of ss) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case 'empty':
        return;
      case 'block':
        return this.stmts(s.body);
      case 'decl':
        if (s.init) this.assign({ kind: 'name', name: s.name, span: s.span }, s.init, s.span);
        return;
      case 'assign':
        return this.assign(s.target, s.value, s.span);
      case 'expr':
        return this.effect(s.expr, s.span);
      case 'if': {
        this.accessCount(s.cond, s.span, 0);
        const cond = this.value(s.cond, s.span);
        this.emit(`if (${asBool(cond)}) {`);
        this.depth++;
        this.stmts(s.then);
        this.depth--;
        if (s.else.length) {
          this.emit('} else {');
          this.depth++;
          this.stmts(s.else);
          this.depth--;
        }
        this.emit('}');
        return;
      }
    }
  }

  private register(name: string): string | undefined {
    return this.registers[this.proc].get(name)?.mmu;
  }

  /** `target = value;` where the target is a register or a location (a plain store). */
  private assign(target: Expr, value: Expr, span: Span): void {
    this.accessCount(value, span, target.kind === 'unary' && target.op === '*' ? 1 : 0);
    if (target.kind === 'name') {
      const reg = this.register(target.name);
      if (!reg) fail(`'${target.name}' is not a register of P${this.proc}: store to a location with WRITE_ONCE(*${target.name}, ...)`, target.span);
      if (value.kind === 'call') {
        const f = formOf(value.callee)!;
        if (f.kind === 'rmw' || (f.kind === 'load' && f.mmu === 'smp_load_acquire')) return this.call(value, reg);
      }
      this.emit(`${reg} = ${asInt(this.value(value, span))};`);
      return;
    }
    if (target.kind === 'unary' && target.op === '*') {
      const loc = this.locRef(target.arg, target.span);
      this.emit(`WRITE_ONCE(${loc.lv}, ${shifted(asInt(this.value(value, span)), loc.shift, -1)});`);
      return;
    }
    fail('only a register or *location can be assigned', target.span);
  }

  /** A statement that is an expression: a call whose value is dropped. */
  private effect(e: Expr, span: Span): void {
    this.accessCount(e, span, 0);
    const inner = e.kind === 'cast' && e.type.base === 'void' ? e.arg : e;
    if (inner.kind !== 'call') fail('this statement has no effect', e.span);
    this.call(inner, null);
  }

  /** Counts the statement's accesses to shared memory: each is one step. */
  private accessCount(e: Expr, span: Span, already: number): void {
    let n = already;
    const visit = (x: Expr, underLoad: boolean): void => {
      if (x.kind === 'call') {
        const f = formOf(x.callee);
        if (f && f.kind !== 'fence' && f.kind !== 'rcu') n++;
        x.args.forEach((a) => visit(a, true));
      } else if (x.kind === 'unary') {
        if (x.op === '*' && !underLoad) n++;
        visit(x.arg, false);
      } else if (x.kind === 'binary') {
        visit(x.left, false);
        visit(x.right, false);
      } else if (x.kind === 'cond') {
        visit(x.test, false);
        visit(x.then, false);
        visit(x.else, false);
      } else if (x.kind === 'cast') visit(x.arg, false);
    };
    visit(e, false);
    // Each access is a step of its own: with more than one, the loads go first, left to right,
    // each into a temporary (herd7 orders a statement's accesses the same way).
    this.hoist = n > 1;
    void span;
  }

  private hoist = false;

  /** A plain or once load as a value: inline, or into a temporary when the statement has more. */
  private load(text: string): Val {
    if (!this.hoist) return { text, bool: false };
    const t = this.temp();
    this.emit(`${t} = ${text};`);
    return { text: t, bool: false };
  }

  /** A location argument: `*x` / `*r0` (lvalue) or `x` / `r0` / `&x` (pointer). */
  private locRef(e: Expr, span: Span): { lv: string; shift: string; lock: boolean; name: string | null } {
    if (e.kind === 'unary' && e.op === '&' && e.arg.kind === 'name') return this.locRef(e.arg, span);
    if (e.kind !== 'name') return fail('expected a location: a parameter such as x, or a register holding an address', e.span);
    const reg = this.register(e.name);
    if (reg) {
      if (!this.usesMem) throw new Error('unreachable: a dereferenced register without mem');
      const index = `${reg} - ${this.base}`;
      return { lv: `mem[${index}]`, shift: this.shiftOf(index), lock: false, name: null };
    }
    const l = this.locations.get(e.name);
    if (!l) return fail(`'${e.name}' is neither a register of P${this.proc} nor a shared location`, e.span);
    if (l.element !== null) return { lv: `mem[${l.element}]`, shift: l.initValue ? String(l.initValue) : '', lock: false, name: l.name };
    return { lv: l.mmu, shift: '', lock: l.lock, name: l.name };
  }

  /** The initial value of the `mem` element at `index`: what its stored value is shifted by. */
  private shiftOf(index: string): string {
    const shifted = [...this.locations.values()].filter((l) => l.element !== null && l.initValue !== 0);
    if (!shifted.length) return '';
    return shifted.reduceRight((acc, l) => `(${index} == ${l.element} ? ${l.initValue} : ${acc})`, '0');
  }

  private locArg(call: Extract<Expr, { kind: 'call' }>, f: Form, i: number, shape: 'lvalue' | 'pointer') {
    const a = call.args[i];
    if (!a) return fail(`'${call.callee}' needs more arguments`, call.span);
    if (shape === 'lvalue') {
      if (!(a.kind === 'unary' && a.op === '*')) return fail(`'${call.callee}' takes a location as *x`, a.span);
      return this.locRef(a.arg, a.span);
    }
    if (a.kind === 'unary' && a.op === '*') return fail(`'${call.callee}' takes a pointer such as x, not *x`, a.span);
    void f;
    return this.locRef(a, a.span);
  }

  private arity(call: Extract<Expr, { kind: 'call' }>, n: number): void {
    if (call.args.length !== n) fail(`'${call.callee}' takes ${n} argument${n === 1 ? '' : 's'}, not ${call.args.length}`, call.span);
  }

  /** A call as a statement (result null: dropped) or as `result = call`. */
  private call(c: Extract<Expr, { kind: 'call' }>, result: string | null): void {
    const f = formOf(c.callee)!;
    switch (f.kind) {
      case 'fence':
        this.arity(c, 0);
        this.emit(`${f.mmu}();`);
        return;
      case 'rcu':
        this.arity(c, 0);
        this.usesRcu = true;
        this.emit(f.mmu === 'synchronize_rcu' ? 'synchronize_rcu();' : `${f.mmu}(${this.proc});`);
        return;
      case 'lock': {
        this.arity(c, 1);
        const loc = this.locArg(c, f, 0, 'pointer');
        if (!loc.lock) fail(`'${c.callee}' takes a spinlock (a parameter of type spinlock_t *)`, c.args[0].span);
        this.usesLock = true;
        if (f.mmu === 'spin_is_locked') {
          this.emit(`${result ?? this.temp()} = READ_ONCE(${loc.lv}) == Locked ? 1 : 0;`);
          return;
        }
        if (f.mmu === 'spin_trylock') {
          // models/lib/spinlock.mmu: spin_trylock(l, ok) sets the bool ok; the test's int is 1 or 0.
          const ok = this.boolTemp();
          this.emit(`spin_trylock(${loc.lv}, ${ok});`);
          if (result) this.emit(`${result} = ${ok} ? 1 : 0;`);
          return;
        }
        this.emit(`${f.mmu}(${loc.lv});`);
        return;
      }
      case 'load': {
        this.arity(c, 1);
        const loc = this.locArg(c, f, 0, f.loc);
        const target = result ?? this.temp();
        this.emit(`${target} = ${f.mmu}(${loc.lv});`);
        if (loc.shift) this.emit(`${target} = ${target} + ${loc.shift};`);
        return;
      }
      case 'store': {
        this.arity(c, 2);
        if (result) fail(`'${c.callee}' returns nothing`, c.span);
        const loc = this.locArg(c, f, 0, f.loc);
        this.emit(`${f.mmu}(${loc.lv}, ${shifted(asInt(this.value(c.args[1], c.span)), loc.shift, -1)});`);
        return;
      }
      case 'rmw': {
        this.arity(c, 1 + f.operands.filter((o) => typeof o === 'number').length);
        if (f.result === 'none' && result) fail(`'${c.callee}' returns nothing`, c.span);
        const loc = this.locArg(c, f, f.loc, 'pointer');
        if (loc.lock) fail(`'${c.callee}' cannot operate on a spinlock`, c.args[f.loc].span);
        const isValue = (k: number): boolean => f.mmu.startsWith('xchg') || f.mmu.startsWith('cmpxchg') || (f.mmu === 'atomic_add_unless' && k === 1);
        const operands = f.operands.map((o, k) => {
          const v = typeof o === 'number' ? asInt(this.value(c.args[o], c.span)) : String(o.constant);
          return isValue(k) ? shifted(v, loc.shift, -1) : v;
        });
        const call = `${f.mmu}(${[loc.lv, ...operands].join(', ')})`;
        if (f.result === 'none' || (f.result === 'bool' && !result)) {
          this.emit(`${call};`);
          return;
        }
        if (f.result === 'bool') {
          // The language's form returns a bool; the test's register holds 1 or 0.
          const ok = this.boolTemp();
          this.emit(`${ok} = ${call};`);
          this.emit(`${result} = ${ok} ? 1 : 0;`);
          return;
        }
        const target = result ?? this.temp();
        this.emit(`${target} = ${call};`);
        if (loc.shift) this.emit(`${target} = ${target} + ${loc.shift};`);
        if (f.result === 'new') this.emit(`${target} = ${target} ${f.sign > 0 ? '+' : '-'} ${operands[operands.length - 1]};`);
        return;
      }
      case 'unsupported':
        fail(`'${c.callee}' is not supported: ${f.why}`, c.calleeSpan);
    }
  }

  private temp(): string {
    return `__t${this.temps++}`;
  }

  private boolTemp(): string {
    return `__b${this.boolTemps++}`;
  }

  /** An expression as a value; a call in it runs first, into a temporary. */
  private value(e: Expr, span: Span): Val {
    switch (e.kind) {
      case 'int':
        return { text: String(e.value), bool: false };
      case 'name': {
        const reg = this.register(e.name);
        if (reg) return { text: reg, bool: false };
        const l = this.locations.get(e.name);
        if (l) {
          if (l.address === null) throw new Error(`unreachable: ${e.name} used as a value without an address`);
          return { text: String(l.address), bool: false };
        }
        if (e.name === 'NULL') return { text: '0', bool: false };
        if (e.name === 'true' || e.name === 'false') return { text: e.name === 'true' ? '1' : '0', bool: false };
        return fail(`'${e.name}' is neither a register of P${this.proc} nor a shared location`, e.span);
      }
      case 'cast':
        return this.value(e.arg, span);
      case 'unary': {
        if (e.op === '*') {
          const loc = this.locRef(e.arg, e.span);
          if (loc.lock) fail('a spinlock cannot be read as a value: use spin_is_locked()', e.span);
          return this.load(shifted(`READ_ONCE(${loc.lv})`, loc.shift, 1));
        }
        if (e.op === '&') return this.value(e.arg, span);
        const arg = this.value(e.arg, span);
        if (e.op === '!') return { text: `!(${asBool(arg)})`, bool: true };
        if (e.op === '-') return { text: `-(${asInt(arg)})`, bool: false };
        return fail(`the operator '${e.op}' is not supported (the model language has no bitwise operators)`, e.span);
      }
      case 'binary': {
        const l = this.value(e.left, span);
        const r = this.value(e.right, span);
        if (e.op === '&&' || e.op === '||') return { text: `(${asBool(l)}) ${e.op} (${asBool(r)})`, bool: true };
        if (['==', '!=', '<', '<=', '>', '>='].includes(e.op)) return { text: `(${asInt(l)}) ${e.op} (${asInt(r)})`, bool: true };
        if (e.op === '+' || e.op === '-') return { text: `(${asInt(l)}) ${e.op} (${asInt(r)})`, bool: false };
        return fail(`the operator '${e.op}' is not supported: litmus values here are added, subtracted and compared`, e.span);
      }
      case 'cond':
        return { text: `(${asBool(this.value(e.test, span))}) ? (${asInt(this.value(e.then, span))}) : (${asInt(this.value(e.else, span))})`, bool: false };
      case 'call': {
        const f = formOf(e.callee)!;
        if (f.kind === 'load' && f.mmu === 'READ_ONCE') {
          this.arity(e, 1);
          const loc = this.locArg(e, f, 0, f.loc);
          return this.load(shifted(`READ_ONCE(${loc.lv})`, loc.shift, 1));
        }
        if (f.kind === 'lock' && f.mmu === 'spin_is_locked') {
          this.arity(e, 1);
          const loc = this.locArg(e, f, 0, 'pointer');
          if (!loc.lock) fail(`'${e.callee}' takes a spinlock`, e.args[0].span);
          this.usesLock = true;
          return this.load(`(READ_ONCE(${loc.lv}) == Locked ? 1 : 0)`);
        }
        if (f.kind === 'load' || f.kind === 'rmw' || (f.kind === 'lock' && f.mmu === 'spin_trylock')) {
          const t = this.temp();
          this.call(e, t);
          return { text: t, bool: false };
        }
        return fail(`'${e.callee}' returns no value`, e.span);
      }
    }
  }

  // --- the final condition ---------------------------------------------------------------------

  private observed(): Pick<Translation, 'locations' | 'shown' | 'condition' | 'filter'> {
    const locations: ObservedLoc[] = [];
    const keys = new Map<string, number>();
    const locIndex = (c: CondLoc): number => {
      const label = c.kind === 'reg' ? `${c.proc}:${c.name}` : c.name;
      const known = keys.get(label);
      if (known !== undefined) return known;
      let o: ObservedLoc;
      if (c.kind === 'reg') {
        const regs = this.registers[c.proc];
        if (!regs) return fail(`the test has no process P${c.proc}`, c.span);
        const r = regs.get(c.name);
        if (!r) return fail(`P${c.proc} has no register '${c.name}'`, c.span);
        o = { kind: 'local', label, process: `P${c.proc}`, local: r.mmu };
      } else {
        const l = this.locations.get(c.name);
        if (!l) return fail(`'${c.name}' is not a shared location of the test`, c.span);
        if (l.lock) return fail(`the spinlock '${c.name}' cannot be part of the condition`, c.span);
        o =
          l.element !== null
            ? { kind: 'global', label, global: 'mem', element: l.element, shift: l.initValue }
            : { kind: 'global', label, global: l.mmu, element: null, shift: 0 };
      }
      locations.push(o);
      keys.set(label, locations.length - 1);
      return locations.length - 1;
    };
    const prop = (p: Prop): FinalProp => {
      switch (p.kind) {
        case 'eq':
          return {
            kind: 'eq',
            loc: locIndex(p.loc),
            value: p.value.kind === 'int' ? p.value.value : this.locations.get(p.value.name)!.address!,
            negated: p.negated,
          };
        case 'not':
          return { kind: 'not', arg: prop(p.arg) };
        case 'const':
          return p;
        default:
          return { kind: p.kind, left: prop(p.left), right: prop(p.right) };
      }
    };
    const shown: number[] = [];
    const show = (i: number) => {
      if (!shown.includes(i)) shown.push(i);
    };
    for (const c of this.test.locations) show(locIndex(c));
    const condition = prop(this.test.condition);
    const conditionLocs = new Set<number>();
    const collect = (p: FinalProp): void => {
      if (p.kind === 'eq') conditionLocs.add(p.loc);
      else if (p.kind === 'not') collect(p.arg);
      else if (p.kind !== 'const') {
        collect(p.left);
        collect(p.right);
      }
    };
    collect(condition);
    for (const i of [...conditionLocs].sort((a, b) => a - b)) show(i);
    const filter = this.test.filter ? prop(this.test.filter) : null;
    return { locations, shown, condition, filter };
  }

  /**
   * The bound that removes no behaviour: at least as many pending stores as any process can
   * issue, and as many older messages as any location can have (stores counted on both arms
   * of every `if`; an RMW, lock and unlock each count as a store).
   */
  private storeBound(): number {
    let most = 1;
    const perLocation = new Map<string, number>();
    const bump = (name: string | null) => {
      const names = name === null ? [...this.locations.values()].filter((l) => l.element !== null).map((l) => l.name) : [name];
      for (const n of names) perLocation.set(n, (perLocation.get(n) ?? 0) + 1);
    };
    const target = (e: Expr, proc: number): string | null => {
      const inner = e.kind === 'unary' && (e.op === '*' || e.op === '&') ? e.arg : e;
      if (inner.kind === 'name' && this.registers[proc].has(inner.name)) return null;
      return inner.kind === 'name' ? inner.name : null;
    };
    for (const p of this.test.processes) {
      let stores = 0;
      const visit = (e: Expr | null): void => {
        if (!e) return;
        if (e.kind === 'call') {
          const f = formOf(e.callee);
          if (f && (f.kind === 'store' || f.kind === 'rmw' || (f.kind === 'lock' && f.mmu !== 'spin_is_locked'))) {
            stores++;
            const i = f.kind === 'rmw' ? f.loc : 0;
            if (e.args[i]) bump(target(e.args[i], p.index));
          }
        }
        subexpressions(e).forEach(visit);
      };
      for (const s of allStatements(p.body)) {
        if (s.kind === 'decl') visit(s.init);
        else if (s.kind === 'assign') {
          if (s.target.kind === 'unary' && s.target.op === '*') {
            stores++;
            bump(target(s.target, p.index));
          }
          visit(s.value);
        } else if (s.kind === 'expr') visit(s.expr);
        else if (s.kind === 'if') visit(s.cond);
      }
      most = Math.max(most, stores);
    }
    for (const n of perLocation.values()) most = Math.max(most, n);
    return most;
  }
}

function locArgIndex(f: Form): number | undefined {
  if (f.kind === 'rmw') return f.loc;
  if (f.kind === 'load' || f.kind === 'store' || f.kind === 'lock') return 0;
  return undefined;
}

function asBool(v: Val): string {
  return v.bool ? v.text : `(${v.text}) != 0`;
}

function asInt(v: Val): string {
  return v.bool ? `((${v.text}) ? 1 : 0)` : v.text;
}

/** `value + sign * shift`, or the value when there is no shift. */
function shifted(value: string, shift: string, sign: 1 | -1): string {
  if (!shift) return value;
  return `(${value}) ${sign > 0 ? '+' : '-'} (${shift})`;
}

/** The model's name: the test's, with what is not a letter, digit or _ turned into _. */
export function modelName(name: string): string {
  return `litmus_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}
