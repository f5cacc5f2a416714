// Small random .mmu models for differential testing (naive explorer vs the real engine).
// `randomModel(seed)` is deterministic. Every model checks without diagnostics, every loop
// body starts with an unconditional step, and the state spaces stay small.

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (seed * 0x9e3779b1 + 0x7f4a7c15) >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** Pick by weight: [weight, value] pairs. */
  weighted<T>(xs: readonly (readonly [number, T])[]): T {
    const total = xs.reduce((a, [w]) => a + w, 0);
    let r = this.next() * total;
    for (const [w, v] of xs) {
      r -= w;
      if (r < 0) return v;
    }
    return xs[xs.length - 1][1];
  }
}

interface IntVar {
  kind: 'int';
  name: string; // how it is written (may be `arr[0]`)
  hi: number; // range 0..hi
  lvalue: boolean;
}
interface BoolVar {
  kind: 'bool';
  name: string;
  lvalue: boolean;
}
interface EnumVar {
  kind: 'enum';
  name: string;
  lvalue: boolean;
}
type Var = IntVar | BoolVar | EnumVar;

interface ProcInfo {
  name: string;
  param: 'none' | 'pid' | 'side';
  background: boolean;
  locals: Var[];
  counter: string | null; // a local reserved for a bounded while
  labels: string[];
}

interface Ctx {
  proc: ProcInfo;
  depth: number;
  inLoop: boolean; // break/continue allowed (inside if)
  breakBranchOk: boolean; // an either branch may be just `break;`
  inAtomic: boolean;
  forVar: { name: string; kind: 'int' | 'pid' | 'color' } | null;
}

const COLORS = ['Red', 'Green', 'Blue'];

class Gen {
  readonly r: Rng;
  readonly out: string[] = [];
  hasColor = false;
  hasSide = false;
  hasArr = false;
  xHi = 3;
  xInit = 0;
  mode = 0;
  globals: Var[] = [];
  procs: ProcInfo[] = [];
  labelCount = 0;
  whileUsed = false;
  endLabelUsed = false;

  /**
   * With `kernel`, statements also use version 2's ordering vocabulary (the RMW suffixes, the
   * non-returning atomics, try_cmpxchg and its await, acquire/release, the atomic barriers).
   * Without it the output for every seed is what it always was.
   */
  constructor(
    seed: number,
    readonly kernel = false,
  ) {
    this.r = new Rng(seed);
  }

  // ---- variables in scope ------------------------------------------------------------

  private vars(ctx: Ctx): Var[] {
    const vs: Var[] = [...this.globals, ...ctx.proc.locals];
    if (ctx.proc.counter) vs.push({ kind: 'int', name: ctx.proc.counter, hi: 2, lvalue: false });
    if (ctx.proc.param === 'pid') vs.push({ kind: 'int', name: 'i', hi: 1, lvalue: false });
    if (ctx.proc.param === 'side') vs.push({ kind: 'enum', name: 's', lvalue: false });
    if (ctx.forVar?.kind === 'int' || ctx.forVar?.kind === 'pid') vs.push({ kind: 'int', name: ctx.forVar.name, hi: 1, lvalue: false });
    if (ctx.forVar?.kind === 'color') vs.push({ kind: 'enum', name: ctx.forVar.name, lvalue: false });
    if (this.hasArr) {
      for (const idx of this.indexExprs(ctx, true)) vs.push({ kind: 'int', name: `arr[${idx}]`, hi: 2, lvalue: true });
    }
    return vs;
  }

  /** Index expressions for `arr` ([2]0..2); with `risky`, sometimes one that can be out of range. */
  private indexExprs(ctx: Ctx, safeOnly = false): string[] {
    const xs = ['0', '1'];
    if (ctx.proc.param === 'pid') xs.push('i', '1 - i');
    if (ctx.forVar?.kind === 'int' || ctx.forVar?.kind === 'pid') xs.push(ctx.forVar.name);
    if (!safeOnly && this.r.chance(0.15)) xs.push('x');
    return xs;
  }

  private ints(ctx: Ctx, lvalue = false): IntVar[] {
    return this.vars(ctx).filter((v): v is IntVar => v.kind === 'int' && (!lvalue || v.lvalue));
  }
  private bools(ctx: Ctx, lvalue = false): BoolVar[] {
    return this.vars(ctx).filter((v): v is BoolVar => v.kind === 'bool' && (!lvalue || v.lvalue));
  }
  private enums(ctx: Ctx, lvalue = false): EnumVar[] {
    return this.vars(ctx).filter((v): v is EnumVar => v.kind === 'enum' && (!lvalue || v.lvalue) && v.name !== 's');
  }

  // ---- expressions -------------------------------------------------------------------

  private intAtom(ctx: Ctx): string {
    const r = this.r;
    const ints = this.ints(ctx);
    if (r.chance(0.2)) return String(r.int(3));
    if (r.chance(0.05)) return 'MODE';
    return r.pick(ints).name;
  }

  /** An int expression for a target 0..hi: mostly in range, sometimes not. */
  private intExpr(ctx: Ctx, hi: number): string {
    const r = this.r;
    const a = (): string => this.intAtom(ctx);
    if (r.chance(0.88)) {
      return r.weighted<() => string>([
        [3, () => String(r.int(hi + 1))],
        [3, () => `(${a()} + ${a()}) % ${hi + 1}`],
        [
          2,
          () => {
            const v = a();
            return `${v} < ${hi} ? ${v} + 1 : 0`;
          },
        ],
        [1, () => `(${a()} * 2 + 1) % ${hi + 1}`],
        [1, () => `${hi} - (${a()} % ${hi + 1})`],
        [1, () => `(sum j: 0..1 :: j * ${a()}) % ${hi + 1}`],
      ])();
    }
    return r.weighted<() => string>([
      [3, () => `${a()} + 1`],
      [3, () => `${a()} - 1`],
      [1, () => `${a()} * 2`],
      // the divisor is always a variable: a constant zero divisor is not a run-time matter
      [1, () => `${a()} / ${r.pick(this.ints(ctx)).name}`],
      [1, () => `${a()} % ${r.pick(this.ints(ctx)).name}`],
      [1, () => String(hi + 1)],
      [1, () => `-${a()}`],
    ])();
  }

  /** A bool condition over state. */
  private stateCond(ctx: Ctx, level = 0): string {
    const r = this.r;
    const ints = this.ints(ctx);
    const bools = this.bools(ctx);
    const enums = this.enums(ctx);
    const choices: [number, () => string][] = [
      [4, () => `${r.pick(ints).name} ${r.pick(['==', '!=', '<', '<=', '>', '>='])} ${r.chance(0.7) ? r.int(3) : r.pick(ints).name}`],
    ];
    if (bools.length) choices.push([3, () => `${r.chance(0.4) ? '!' : ''}${r.pick(bools).name}`]);
    if (enums.length) choices.push([2, () => `${r.pick(enums).name} ${r.pick(['==', '!='])} ${r.pick(COLORS.slice(0, 2))}`]);
    const others = this.procs.filter((p) => p !== ctx.proc);
    if (others.length) {
      const p = r.pick(others);
      const ref = p.param === 'none' ? p.name : `${p.name}[${p.param === 'pid' ? r.int(2) : r.pick(['Left', 'Right'])}]`;
      choices.push([1, () => `done(${ref})`]);
      if (p.labels.length) choices.push([1, () => `${r.chance(0.5) ? '!' : ''}${ref}@${r.pick(p.labels)}`]);
      const pl = p.locals.filter((v) => v.kind === 'int');
      if (pl.length) choices.push([1, () => `${ref}.${r.pick(pl).name} ${r.pick(['==', '!=', '<'])} ${r.int(2)}`]);
    }
    if (level < 1) {
      choices.push([1, () => `${this.stateCond(ctx, level + 1)} && ${this.stateCond(ctx, level + 1)}`]);
      choices.push([1, () => `(${this.stateCond(ctx, level + 1)} || ${this.stateCond(ctx, level + 1)})`]);
      choices.push([1, () => `!(${this.stateCond(ctx, level + 1)})`]);
      choices.push([1, () => `(${this.stateCond(ctx, level + 1)} => ${this.stateCond(ctx, level + 1)})`]);
    }
    return r.weighted(choices)();
  }

  /** A condition on constants and the parameter only: decided at compile time. */
  private foldCond(ctx: Ctx): string {
    const r = this.r;
    const cs: [number, () => string][] = [
      [2, () => `MODE ${r.pick(['==', '!=', '<', '>='])} ${r.int(3)}`],
      [1, () => r.pick(['true', 'false'])],
    ];
    if (ctx.proc.param === 'pid') {
      cs.push([4, () => `i ${r.pick(['==', '!='])} ${r.int(2)}`]);
      cs.push([1, () => `MODE + i > 1`]);
      cs.push([1, () => `(forall j: 0..1 :: j <= i)`]);
      cs.push([1, () => `(count j: Pid :: j != i) == 1`]);
    }
    if (ctx.proc.param === 'side') cs.push([4, () => `s ${r.pick(['==', '!='])} ${r.pick(['Left', 'Right'])}`]);
    return r.weighted(cs)();
  }

  private cond(ctx: Ctx): string {
    const r = this.r;
    if (ctx.forVar && r.chance(0.35)) {
      const v = ctx.forVar;
      if (v.kind === 'color') return `${v.name} ${r.pick(['==', '!='])} ${r.pick(COLORS)}`;
      return r.chance(0.5) || ctx.proc.param !== 'pid' ? `${v.name} == ${r.int(2)}` : `${v.name} != i`;
    }
    if (r.chance(0.3)) return this.foldCond(ctx);
    return this.stateCond(ctx);
  }

  // ---- statements -------------------------------------------------------------------------

  private label(): string {
    return `L${this.labelCount++}`;
  }

  /** One basic step (a single statement that is exactly one step, or a step-first line). */
  private basic(ctx: Ctx, allowAwait = true): string {
    const r = this.r;
    const ints = this.ints(ctx, true);
    const bools = this.bools(ctx, true);
    const enums = this.enums(ctx, true);
    const choices: [number, () => string][] = [
      [
        6,
        () => {
          const v = r.pick(ints);
          return `${v.name} = ${this.intExpr(ctx, v.hi)};`;
        },
      ],
      [
        2,
        () => {
          const v = r.pick(ints);
          const hi = r.chance(0.92) ? v.hi : v.hi + 1;
          return `${v.name} = any(0..${hi});`;
        },
      ],
      [1, () => 'skip;'],
      [1, () => `READ_ONCE(x);`],
      [1, () => `WRITE_ONCE(x, ${this.intExpr(ctx, this.xHi)});`],
      [
        2,
        () => {
          const v = r.pick(ints);
          const res = r.pick(ints);
          return r.weighted<() => string>([
            [2, () => `${res.name} = xchg(${v.name}, ${r.int(v.hi + 1)});`],
            [2, () => `${res.name} = cmpxchg(${v.name}, ${r.int(v.hi + 1)}, ${r.int(v.hi + 1)});`],
            [1, () => `cmpxchg(${v.name}, ${r.int(v.hi + 1)}, ${r.int(v.hi + 1)});`],
            [2, () => `${r.chance(0.5) ? `${res.name} = ` : ''}fetch_add(${v.name}, ${v.name} < ${v.hi} ? 1 : 0);`],
            [2, () => `${r.chance(0.5) ? `${res.name} = ` : ''}fetch_sub(${v.name}, ${v.name} > 0 ? 1 : 0);`],
            [1, () => `${r.chance(0.5) ? `${res.name} = ` : ''}fetch_add(${v.name}, 1);`],
            [1, () => `${r.chance(0.5) ? `${res.name} = ` : ''}fetch_sub(${v.name}, 1);`],
          ])();
        },
      ],
    ];
    if (this.hasArr) choices.push([2, () => `arr[${r.pick(this.indexExprs(ctx))}] = ${this.intExpr(ctx, 2)};`]);
    if (bools.length) {
      choices.push([
        3,
        () => {
          const b = r.pick(bools);
          return r.weighted<() => string>([
            [2, () => `${b.name} = !${b.name};`],
            [2, () => `${b.name} = ${this.stateCond(ctx, 1)};`],
            [1, () => `${b.name} = any(bool);`],
            [1, () => `set_bit(${b.name});`],
            [1, () => `clear_bit(${b.name});`],
            [1, () => `${r.pick(bools).name} = test_and_set_bit(${b.name});`],
            [1, () => `${r.pick(bools).name} = test_and_clear_bit(${b.name});`],
            [1, () => `${r.pick(bools).name} = xchg(${b.name}, ${r.pick(['true', 'false'])});`],
          ])();
        },
      ]);
    }
    if (enums.length) {
      choices.push([
        2,
        () => {
          const e = r.pick(enums);
          return r.weighted<() => string>([
            [2, () => `${e.name} = ${r.pick(COLORS)};`],
            [1, () => `${e.name} = any(Color);`],
            [1, () => `${e.name} = cmpxchg(${e.name}, ${r.pick(COLORS)}, ${r.pick(COLORS)});`],
          ])();
        },
      ]);
    }
    if (allowAwait) choices.push([3, () => `await ${this.stateCond(ctx)};`]);
    if (this.kernel) this.kernelChoices(choices, ctx, allowAwait);
    if (r.chance(0.04)) return `assert ${this.stateCond(ctx)}, "a${r.int(100)}";`;
    return r.weighted(choices)();
  }

  /** Version 2's forms: each suffix, the non-returning atomics, try_cmpxchg, atomic_add_unless, acquire/release. */
  private kernelChoices(choices: [number, () => string][], ctx: Ctx, allowAwait: boolean): void {
    const r = this.r;
    const ints = this.ints(ctx, true);
    const bools = this.bools(ctx, true);
    const suffix = (): string => r.pick(['', '_relaxed', '_acquire', '_release']);
    choices.push([
      8,
      () => {
        const v = r.pick(ints);
        const res = r.pick(ints);
        const k = (): number => r.int(v.hi + 1);
        const opt = (): string => (r.chance(0.5) ? `${res.name} = ` : '');
        return r.weighted<() => string>([
          [2, () => `${opt()}xchg${suffix()}(${v.name}, ${k()});`],
          [3, () => `${opt()}cmpxchg${suffix()}(${v.name}, ${k()}, ${k()});`],
          [2, () => `${opt()}atomic_fetch_add${suffix()}(${v.name}, ${v.name} < ${v.hi} ? 1 : 0);`],
          [1, () => `${opt()}atomic_sub_return${suffix()}(${v.name}, ${v.name} > 0 ? 1 : 0);`],
          [1, () => `${opt()}atomic_inc_return${suffix()}(${v.name});`],
          [2, () => `atomic_add(${v.name}, ${v.name} < ${v.hi} ? 1 : 0);`],
          [1, () => `atomic_inc(${v.name});`],
          [1, () => `atomic_dec(${v.name});`],
          [1, () => `atomic_sub(${v.name}, ${v.name} > 0 ? 1 : 0);`],
          [2, () => `${bools.length && r.chance(0.5) ? `${r.pick(bools).name} = ` : ''}atomic_add_unless(${v.name}, ${v.name} < ${v.hi} ? 1 : 0, ${k()});`],
          [2, () => `${res.name} = smp_load_acquire(${v.name});`],
          [2, () => `smp_store_release(${v.name}, ${k()});`],
          [1, () => `smp_mb__before_atomic();`],
          [1, () => `smp_mb__after_atomic();`],
          [1, () => `smp_mb__after_spinlock();`],
          ...(bools.length
            ? ([
                [2, () => `${r.pick(bools).name} = try_cmpxchg${suffix()}(${v.name}, ${k()}, ${k()});`],
                [1, () => `${r.pick(bools).name} = test_and_set_bit${suffix()}(${r.pick(bools).name});`],
                [1, () => `${r.pick(bools).name} = test_and_set_bit_lock(${r.pick(bools).name});`],
                [1, () => `clear_bit_unlock(${r.pick(bools).name});`],
              ] as [number, () => string][])
            : []),
          ...(allowAwait ? ([[2, () => `await try_cmpxchg${suffix()}(${v.name}, ${k()}, ${k()});`]] as [number, () => string][]) : []),
        ])();
      },
    ]);
  }

  private block(ctx: Ctx, n: number): string[] {
    const lines: string[] = [];
    for (let k = 0; k < n; k++) lines.push(...this.stmt(ctx));
    return lines;
  }

  private indent(lines: string[]): string[] {
    return lines.map((l) => `  ${l}`);
  }

  private stmt(ctx: Ctx): string[] {
    const r = this.r;
    const deep = ctx.depth >= 2;
    const choices: [number, () => string[]][] = [[10, () => [this.basic(ctx)]]];
    if (!ctx.inAtomic) choices.push([3, () => [`${this.label()}: ${this.basic(ctx)}`]]);
    if (!ctx.inAtomic) choices.push([1, () => [r.pick(['smp_mb();', 'smp_wmb();', 'dsb();']), this.basic(ctx)]]);
    if (!deep) {
      const inner = (extra: Partial<Ctx> = {}): Ctx => ({ ...ctx, depth: ctx.depth + 1, ...extra });
      choices.push([2, () => [`if (${this.cond(ctx)}) {`, ...this.indent(this.block(inner(), r.range(1, 2))), '}']]);
      choices.push([
        2,
        () => [`if (${this.cond(ctx)}) {`, ...this.indent(this.block(inner(), 1)), '} else {', ...this.indent(this.block(inner(), r.range(1, 2))), '}'],
      ]);
      if (!ctx.forVar)
        choices.push([
          2,
          () => {
            const kind = r.pick(['int', 'pid', 'color'] as const).replace('color', this.hasColor ? 'color' : 'int') as 'int' | 'pid' | 'color';
            const type = kind === 'int' ? '0..1' : kind === 'pid' ? 'Pid' : 'Color';
            const c = inner({ forVar: { name: 'd', kind }, inLoop: !ctx.inAtomic, breakBranchOk: false });
            return [`for d: ${type} {`, ...this.indent(this.block(c, r.range(1, 2))), '}'];
          },
        ]);
      choices.push([
        2,
        () => {
          const c = inner({ breakBranchOk: ctx.breakBranchOk && !ctx.inAtomic });
          const nb = r.range(2, 3);
          const lines = ['either {'];
          for (let b = 0; b < nb; b++) {
            if (b > 0) lines.push('} or {');
            if (b > 0 && c.breakBranchOk && r.chance(0.3)) lines.push('  break;');
            else lines.push(...this.indent(this.branch(c)));
          }
          lines.push('}');
          return lines;
        },
      ]);
      if (!ctx.inAtomic)
        choices.push([
          3,
          () => {
            const c = inner({ inAtomic: true, inLoop: false, breakBranchOk: false });
            return ['atomic {', ...this.indent(this.block(c, r.range(1, 3))), '}'];
          },
        ]);
      if (ctx.proc.counter && !this.whileUsed) {
        choices.push([
          2,
          () => {
            this.whileUsed = true;
            const n = ctx.proc.counter!;
            const c = inner({ inLoop: !ctx.inAtomic, breakBranchOk: false });
            return [`${n} = 0;`, `while (${n} < 2) {`, ...this.indent([...this.block(c, r.range(1, 2)), `${n} = ${n} + 1;`]), '}'];
          },
        ]);
      }
    }
    if (!ctx.inAtomic) {
      choices.push([1, () => [this.inlineCall(ctx)]]);
      if (ctx.inLoop) {
        choices.push([1, () => [`if (${this.cond(ctx)}) {`, `  ${r.pick(['break;', 'continue;'])}`, '}']]);
      }
    }
    return r.weighted(choices)();
  }

  /** An either branch: starts with a step (possibly a blocking one). */
  private branch(ctx: Ctx): string[] {
    const r = this.r;
    const first = r.weighted<() => string[]>([
      [4, () => [this.basic(ctx)]],
      [2, () => [`await ${this.stateCond(ctx)};`]],
      [ctx.inAtomic ? 0 : 1, () => ['atomic {', `  await ${this.stateCond(ctx)};`, `  ${this.basic(ctx, false)}`, '}']],
      [1, () => [`if (${this.stateCond(ctx)}) {`, `  ${this.basic(ctx)}`, '}']],
    ])();
    return r.chance(0.4) ? [...first, ...this.stmt(ctx)] : first;
  }

  private inlineCall(ctx: Ctx): string {
    const r = this.r;
    const big = this.ints(ctx, true).filter((v) => v.hi >= 2);
    if (r.chance(0.5) && this.bools(ctx).some((b) => b.name === 'f')) return `guarded_set(x, ${this.intExpr(ctx, this.xHi)});`;
    return `bump(${r.pick(big).name});`;
  }

  // ---- processes and model ---------------------------------------------------------------

  private process(p: ProcInfo): string[] {
    const r = this.r;
    const ctx: Ctx = { proc: p, depth: 0, inLoop: false, breakBranchOk: false, inAtomic: false, forVar: null };
    const lines: string[] = [];
    const head = `${p.background ? 'background ' : ''}process ${p.name}${p.param === 'pid' ? '(i: Pid)' : p.param === 'side' ? '(s: Side)' : ''} {`;
    for (const v of p.locals) {
      if (v.kind === 'int') lines.push(`var ${v.name}: 0..${v.hi}${r.chance(0.5) ? ` = ${r.int(v.hi + 1)}` : ''};`);
      else if (v.kind === 'bool') lines.push(`var ${v.name}: bool${r.chance(0.5) ? ` = ${r.pick(['true', 'false'])}` : ''};`);
    }
    if (p.counter) lines.push(`var ${p.counter}: 0..2;`);
    this.whileUsed = false;
    const budget = this.procs.length >= 3 ? 3 : this.procs.length === 2 ? 4 : 5;
    const shape = p.background
      ? 'loop'
      : r.weighted<string>([
          [3, 'straight'],
          [3, 'loop'],
          [2, 'loop-break'],
        ]);
    const nPre = r.range(0, Math.max(0, budget - 2));
    lines.push(...this.block(ctx, nPre));
    if (shape === 'straight') {
      lines.push(...this.block(ctx, r.range(1, budget - nPre)));
      if (r.chance(0.4)) {
        this.endLabelUsed = true;
        lines.push(`end: await ${this.stateCond(ctx)};`);
      }
    } else {
      const loopCtx: Ctx = { ...ctx, depth: 1, inLoop: true, breakBranchOk: shape === 'loop-break' };
      const body = [this.basic(loopCtx, false), ...this.block(loopCtx, r.range(0, Math.max(0, budget - nPre - 1)))];
      if (shape === 'loop-break') body.push(`if (${this.stateCond(ctx)}) {`, '  break;', '}');
      const endLabel = !p.background && shape === 'loop' && r.chance(0.4);
      if (endLabel) this.endLabelUsed = true;
      const useWhileTrue = r.chance(0.15);
      lines.push(`${endLabel ? 'end: ' : ''}${useWhileTrue ? 'while (MODE >= 0)' : 'loop'} {`, ...this.indent(body), '}');
      if (shape === 'loop-break') lines.push(this.basic(ctx, false));
    }
    return [head, ...this.indent(lines), '}'];
  }

  generate(seed: number): string {
    const r = this.r;
    this.hasColor = r.chance(0.5);
    this.hasArr = r.chance(0.5);
    this.xHi = r.range(2, 3);
    this.mode = r.int(3);
    const head: string[] = [`model random_${seed};`, '', `const MODE = ${this.mode};`, 'type Pid = 0..1;'];
    if (this.hasColor) head.push('enum Color { Red, Green, Blue }');
    const decls: string[] = [];
    const loc = (ghost: boolean) => (ghost ? 'ghost ' : 'shared');
    this.xInit = r.int(this.xHi + 1);
    decls.push(`${loc(r.chance(0.2))} x: 0..${this.xHi} = ${this.xInit};`);
    this.globals.push({ kind: 'int', name: 'x', hi: this.xHi, lvalue: true });
    if (r.chance(0.5)) {
      decls.push(`${loc(r.chance(0.3))} y: 0..2;`);
      this.globals.push({ kind: 'int', name: 'y', hi: 2, lvalue: true });
    }
    const hasF = r.chance(0.7);
    if (hasF) {
      decls.push(`${loc(false)} f: bool = ${r.pick(['true', 'false'])};`);
      this.globals.push({ kind: 'bool', name: 'f', lvalue: true });
    }
    if (this.hasColor && r.chance(0.7)) {
      decls.push(`${loc(true)} c: Color = ${r.pick(COLORS)};`);
      this.globals.push({ kind: 'enum', name: 'c', lvalue: true });
    }
    if (this.hasArr) decls.push(`${loc(r.chance(0.3))} arr: [2]0..2 = ${r.int(2)};`);

    const nProcs = r.weighted([
      [3, 1],
      [5, 2],
      [3, 3],
    ] as const);
    let instances = 0;
    for (let k = 0; k < nProcs; k++) {
      const left = nProcs - k - 1; // processes still to come need one instance each
      let param: ProcInfo['param'] = r.weighted([
        [5, 'none'],
        [4, 'pid'],
        [2, 'side'],
      ] as const);
      if (instances + 2 + left > 3) param = 'none';
      if (param === 'side') this.hasSide = true;
      instances += param === 'none' ? 1 : 2;
      const locals: Var[] = [];
      if (r.chance(0.55)) locals.push({ kind: 'int', name: 'a', hi: 2, lvalue: true });
      if (r.chance(0.3)) locals.push({ kind: 'bool', name: 'b', lvalue: true });
      const background = k > 0 && r.chance(0.25);
      this.procs.push({
        name: `p${k}`,
        param,
        background,
        locals,
        counter: r.chance(0.35) ? 'n' : null,
        labels: [],
      });
    }
    if (this.hasSide) head.push('enum Side { Left, Right }');
    const bodies: string[][] = [];
    for (const p of this.procs) {
      const first = this.labelCount;
      const body = this.process(p);
      for (let l = first; l < this.labelCount; l++) p.labels.push(`L${l}`);
      bodies.push(body);
    }
    // Labels are known only now: record them (the texts above already use only earlier ones).
    const inlines = ['inline bump(v) {', '  if (v >= 2) { return; }', '  v = v + 1;', '}'];
    if (hasF) inlines.push('', 'inline guarded_set(v, w) {', '  atomic { await !f; f = true; }', '  v = w;', '  f = false;', '}');
    const invs: string[] = [];
    const nInv = r.weighted([
      [3, 0],
      [4, 1],
      [2, 2],
    ] as const);
    for (let k = 0; k < nInv; k++) invs.push(`invariant inv${k}: ${this.invariant()};`);
    return [...head, '', ...decls, '', ...inlines, '', ...bodies.flatMap((b) => [...b, '']), ...invs, ''].join('\n');
  }

  private invariant(): string {
    const r = this.r;
    const ref = (p: ProcInfo, k: number | string): string =>
      p.param === 'none' ? p.name : `${p.name}[${p.param === 'pid' ? k : k === 0 ? 'Left' : k === 1 ? 'Right' : k}]`;
    const cs: [number, () => string][] = [
      [1, () => `x <= ${this.xHi}`],
      [2, () => `x != ${(this.xInit + 1 + r.int(this.xHi)) % (this.xHi + 1)}`],
    ];
    if (this.globals.some((g) => g.name === 'f')) cs.push([2, () => `f => x ${r.pick(['<=', '!='])} ${r.range(1, 2)}`]);
    if (this.hasArr) {
      cs.push([1, () => `(sum j: 0..1 :: arr[j]) <= ${r.range(2, 4)}`]);
      cs.push([1, () => `exists j: 0..1 :: arr[j] ${r.pick(['<=', '!='])} ${r.int(3)}`]);
    }
    const labelled = this.procs.filter((p) => p.labels.length);
    if (labelled.length) {
      cs.push([
        4,
        () => {
          const p = r.pick(labelled);
          const q = r.pick(labelled);
          return `!(${ref(p, 0)}@${r.pick(p.labels)} && ${ref(q, 1)}@${r.pick(q.labels)})`;
        },
      ]);
      const pids = labelled.filter((p) => p.param === 'pid');
      if (pids.length)
        cs.push([
          4,
          () => {
            const p = r.pick(pids);
            return `(count j: Pid :: ${p.name}[j]@${r.pick(p.labels)}) <= 1`;
          },
        ]);
    }
    const p = r.pick(this.procs);
    cs.push([1, () => `done(${ref(p, 0)}) => x ${r.pick(['==', '!='])} ${r.int(3)}`]);
    const withA = this.procs.filter((q) => q.locals.some((v) => v.name === 'a'));
    if (withA.length)
      cs.push([
        2,
        () => {
          const q = r.pick(withA);
          return `${ref(q, r.int(2))}.a ${r.pick(['<=', '<'])} ${r.range(1, 2)}`;
        },
      ]);
    return r.weighted(cs)();
  }
}

export function randomModel(seed: number): string {
  return new Gen(seed).generate(seed);
}

/** A random model that also uses version 2's ordering vocabulary (docs/memory-models.md). */
export function randomKernelModel(seed: number): string {
  return new Gen(seed, true).generate(seed);
}

// ---- models with a symmetric type ----------------------------------------------------------
//
// `randomSymmetricModel(seed)` is deterministic and separate from `randomModel` (whose output
// for every seed is unchanged). Each model declares `symmetric type Cpu = 0..N-1` (N = 2 or 3)
// and obeys every rule of docs/language.md, "Symmetry": instances of `cpu(c: Cpu)`, arrays
// indexed by Cpu (one of them holding Cpu values), Cpu values stored (globals, locals, op
// results, any(Cpu)) and compared only with == and != against other Cpu values, quantifiers
// and count over Cpu, `for d: Cpu` only inside atomic (each iteration touching only what is
// indexed by d), sometimes a process that is not parameterised by Cpu but stores its values,
// and plain integers kept apart. Every model checks without diagnostics and stays small.

interface SymCtx {
  /** Expressions of type Cpu readable here. */
  cpus: string[];
  /** A process parameter, when there is one. */
  self: string | null;
  /** The process's Cpu local, when there is one. */
  local: string | null;
  depth: number;
  inAtomic: boolean;
}

class SymGen {
  readonly r: Rng;
  n = 2;
  labels: string[] = [];
  labelCount = 0;
  hasBoss = false;
  hasK = false;
  /** The cpu process has a local array indexed by Cpu, `seen`. */
  hasSeen = false;

  constructor(seed: number) {
    this.r = new Rng(seed * 31 + 7);
  }

  /** A value of type Cpu. */
  private cpu(ctx: SymCtx, level = 0): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [4, () => r.pick(ctx.cpus)],
      [2, () => 'owner'],
    ];
    if (level < 1) {
      choices.push([2, () => `ptr[${this.cpu(ctx, level + 1)}]`]);
      choices.push([1, () => `(${this.cond(ctx, level + 1)} ? ${this.cpu(ctx, level + 1)} : ${this.cpu(ctx, level + 1)})`]);
    }
    return r.weighted(choices)();
  }

  /** A bool over state. */
  private cond(ctx: SymCtx, level = 0): string {
    const r = this.r;
    const choices: [number, () => string][] = [
      [4, () => `${this.cpu(ctx, level + 1)} ${r.pick(['==', '!='])} ${this.cpu(ctx, level + 1)}`],
      [3, () => `${r.chance(0.3) ? '!' : ''}flag[${this.cpu(ctx, level + 1)}]`],
      [1, () => `${r.chance(0.5) ? '!' : ''}lock`],
      [1, () => `(count d: Cpu :: flag[d]) ${r.pick(['<=', '==', '>'])} ${r.int(2)}`],
      [1, () => `(exists d: Cpu :: flag[d] && d != ${this.cpu(ctx, 1)})`],
      [1, () => '(forall d: Cpu :: ptr[d] != d || flag[d])'],
      [1, () => `cnt ${r.pick(['==', '!=', '<'])} ${r.int(2)}`],
    ];
    if (this.labels.length) choices.push([1, () => `${r.chance(0.5) ? '!' : ''}cpu[${this.cpu(ctx, 1)}]@${r.pick(this.labels)}`]);
    choices.push([1, () => `${r.chance(0.5) ? '!' : ''}done(cpu[${this.cpu(ctx, 1)}])`]);
    if (this.hasK) choices.push([1, () => `cpu[${this.cpu(ctx, 1)}].k ${r.pick(['==', '<='])} ${r.int(2)}`]);
    if (level < 1) choices.push([1, () => `(${this.cond(ctx, level + 1)} ${r.pick(['&&', '||', '=>'])} ${this.cond(ctx, level + 1)})`]);
    return r.weighted(choices)();
  }

  /** An atomic loop over Cpu whose iterations each touch only what is indexed by d. */
  private forLoop(ctx: SymCtx): string {
    const r = this.r;
    const outer = ctx.self ?? ctx.local ?? 'owner';
    return r.weighted<() => string>([
      [2, () => `for d: Cpu { flag[d] = flag[d] != (ptr[d] == ${outer}); }`],
      [2, () => `for d: Cpu { if (ptr[d] == ${outer}) { ptr[d] = owner; } }`],
      [1, () => `for d: Cpu { flag[d] = d == ${outer} || flag[d] && lock; }`],
      [1, () => `for d: Cpu { if (flag[d]) { ptr[d] = any(Cpu); } else { continue; } }`],
      [1, () => `for d: Cpu { either { flag[d] = false; } or { ptr[d] = d; } }`],
      [this.hasSeen && ctx.self === 'c' ? 2 : 0, () => `for d: Cpu { seen[d] = seen[d] != (flag[d] && ptr[d] != ${outer}); }`],
    ])();
  }

  /** One step. */
  private basic(ctx: SymCtx, allowAwait = true): string {
    const r = this.r;
    const lv = ctx.local;
    const choices: [number, () => string][] = [
      [3, () => `owner = ${this.cpu(ctx)};`],
      [3, () => `ptr[${this.cpu(ctx, 1)}] = ${this.cpu(ctx)};`],
      [3, () => `flag[${this.cpu(ctx, 1)}] = ${this.cond(ctx, 1)};`],
      [1, () => `cnt = (cnt + 1) % 2;`],
      [1, () => `cnt = count d: Cpu :: flag[d] && d != ${this.cpu(ctx, 1)};`],
      [1, () => `cmpxchg(owner, ${this.cpu(ctx, 1)}, ${this.cpu(ctx, 1)});`],
      [1, () => `WRITE_ONCE(flag[${this.cpu(ctx, 1)}], true);`],
      [1, () => 'skip;'],
    ];
    if (lv) {
      choices.push([2, () => `${lv} = ${this.cpu(ctx)};`]);
      choices.push([2, () => `${lv} = any(Cpu);`]);
      choices.push([1, () => `${lv} = xchg(owner, ${this.cpu(ctx, 1)});`]);
      choices.push([1, () => `${lv} = cmpxchg(ptr[${this.cpu(ctx, 1)}], ${lv}, ${this.cpu(ctx, 1)});`]);
      choices.push([1, () => `${lv} = READ_ONCE(ptr[${lv}]);`]);
    }
    if (this.hasSeen && ctx.self === 'c') {
      choices.push([2, () => `seen[${this.cpu(ctx, 1)}] = flag[${this.cpu(ctx, 1)}];`]);
      choices.push([1, () => `flag[c] = seen[${this.cpu(ctx, 1)}];`]);
    }
    if (this.hasK && ctx.self === 'c') choices.push([1, () => `k = (count d: Cpu :: ptr[d] == ${ctx.self}) % 2;`]);
    if (allowAwait) choices.push([3, () => `await ${this.cond(ctx)};`]);
    return r.weighted(choices)();
  }

  private stmt(ctx: SymCtx): string[] {
    const r = this.r;
    const inner = { ...ctx, depth: ctx.depth + 1 };
    const choices: [number, () => string[]][] = [[8, () => [this.basic(ctx)]]];
    if (!ctx.inAtomic && ctx.self) choices.push([2, () => [`${this.label()}: ${this.basic(ctx)}`]]);
    if (ctx.depth < 1) {
      choices.push([2, () => [`if (${this.cond(ctx)}) {`, `  ${this.basic(inner)}`, '} else {', `  ${this.basic(inner)}`, '}']]);
      choices.push([1, () => ['either {', `  ${this.basic(inner)}`, '} or {', `  ${this.basic(inner)}`, '}']]);
      if (!ctx.inAtomic) {
        choices.push([2, () => ['atomic {', `  ${this.forLoop(ctx)}`, '}']]);
        choices.push([1, () => ['atomic {', '  await !lock;', '  lock = true;', `  ${this.basic({ ...inner, inAtomic: true }, false)}`, '}', 'lock = false;']]);
        choices.push([1, () => ['atomic {', `  ${this.basic({ ...inner, inAtomic: true })}`, `  ${this.basic({ ...inner, inAtomic: true })}`, '}']]);
      }
      if (ctx.self) choices.push([1, () => [`if (exists d: Cpu :: d != ${ctx.self}) {`, `  ${this.basic(inner)}`, '}']]); // folded: no step
    }
    return r.weighted(choices)();
  }

  private label(): string {
    const l = `L${this.labelCount++}`;
    return l;
  }

  generate(seed: number): string {
    const r = this.r;
    this.n = r.weighted([
      [3, 2],
      [1, 3],
    ] as const);
    const small = this.n === 3;
    this.hasBoss = r.chance(small ? 0.2 : 0.4);
    this.hasK = !small && r.chance(0.3);
    this.hasSeen = r.chance(small ? 0.15 : 0.35);
    const lines: string[] = [`model sym_random_${seed};`, '', `const N = ${this.n};`, 'symmetric type Cpu = 0..N-1;', ''];
    lines.push(`${r.chance(0.3) ? 'ghost ' : 'shared'} owner: Cpu;`);
    lines.push('shared ptr: [Cpu]Cpu;');
    lines.push(`shared flag: [Cpu]bool${r.chance(0.3) ? ' = true' : ''};`);
    lines.push(`ghost  cnt: 0..${this.n};`);
    lines.push('shared lock: bool;', '');
    // The cpu process: its steps, then its labels are known to the others.
    const useLocal = !small || r.chance(0.5);
    const cpuCtx: SymCtx = { cpus: useLocal ? ['c', 't'] : ['c'], self: 'c', local: useLocal ? 't' : null, depth: 0, inAtomic: false };
    const body: string[] = [];
    if (useLocal) body.push('var t: Cpu;');
    if (this.hasK) body.push('var k: 0..1;');
    if (this.hasSeen) body.push('var seen: [Cpu]bool;');
    const steps = small ? r.range(1, 2) : r.range(2, 3);
    for (let i = 0; i < steps; i++) body.push(...this.stmt(cpuCtx));
    if (!small && r.chance(0.3)) body.push(`end: await ${this.cond(cpuCtx)};`);
    for (let l = 0; l < this.labelCount; l++) this.labels.push(`L${l}`);
    lines.push('process cpu(c: Cpu) {', ...body.map((l) => `  ${l}`), '}', '');
    if (this.hasBoss) {
      // Not parameterised by Cpu, but it stores and compares values of Cpu.
      const ctx: SymCtx = { cpus: ['pick'], self: null, local: 'pick', depth: 1, inAtomic: false };
      const b = ['var pick: Cpu;', 'pick = any(Cpu);', this.basic(ctx)];
      if (!small && r.chance(0.5)) b.push(this.basic(ctx));
      lines.push(`${r.chance(0.5) ? 'background ' : ''}process boss {`, ...b.map((l) => `  ${l}`), '}', '');
    } else if (!small && r.chance(0.4)) {
      const ctx: SymCtx = { cpus: ['w'], self: 'w', local: null, depth: 1, inAtomic: false };
      lines.push('background process walker(w: Cpu) {', `  loop { ${this.basic(ctx, false)} }`, '}', '');
    }
    const invs: [number, () => string][] = [
      [2, () => '(count d: Cpu :: flag[d]) <= N - 1'],
      [2, () => 'forall d: Cpu :: flag[d] => ptr[d] != d || owner == d'],
      [1, () => 'exists d: Cpu :: !flag[d] || ptr[d] == owner'],
      [1, () => 'cnt == 0 || (exists d: Cpu :: flag[d])'],
    ];
    if (this.labels.length) invs.push([3, () => `(count d: Cpu :: cpu[d]@${r.pick(this.labels)}) <= 1`]);
    if (useLocal) invs.push([2, () => 'forall d: Cpu :: done(cpu[d]) => cpu[d].t != owner || flag[d]']);
    const nInv = r.range(0, 2);
    for (let i = 0; i < nInv; i++) lines.push(`invariant inv${i}: ${r.weighted(invs)()};`);
    return [...lines, ''].join('\n');
  }
}

export function randomSymmetricModel(seed: number): string {
  return new SymGen(seed).generate(seed);
}

/**
 * A random model whose symmetric types are only used as process parameters and array
 * indices: no variable holds a value of them (the case of most protocol models, where a CPU
 * number indexes per-CPU state and is never stored). One or two symmetric types.
 */
export function randomIndexOnlySymmetricModel(seed: number): string {
  const r = new Rng(seed * 17 + 3);
  const n = r.weighted([
    [2, 2],
    [2, 3],
  ] as const);
  const hws = r.chance(0.5) ? r.range(2, 3) : 0;
  const lines = [`model sym_index_${seed};`, `symmetric type Cpu = 0..${n - 1};`];
  if (hws) lines.push(`symmetric type Hw = 0..${hws - 1};`);
  lines.push('shared flag: [Cpu]bool;', 'shared lock: bool;', `ghost cnt: 0..${n};`);
  if (hws) lines.push('ghost tlb: [Hw]bool;');
  const cond = (self: string): string =>
    r.weighted<() => string>([
      [3, () => `${r.chance(0.3) ? '!' : ''}flag[${self}]`],
      [2, () => `(count d: Cpu :: flag[d]) ${r.pick(['<=', '==', '>'])} ${r.int(n)}`],
      [1, () => `(exists d: Cpu :: flag[d] && d != ${self})`],
      [1, () => `${r.chance(0.5) ? '!' : ''}lock`],
      [1, () => `cnt ${r.pick(['==', '<'])} ${r.int(n)}`],
      [hws ? 1 : 0, () => `(exists h: Hw :: tlb[h])`],
      [1, () => `${r.chance(0.5) ? '!' : ''}cpu[${self}]@L0`],
    ])();
  const step = (): string =>
    r.weighted<() => string>([
      [3, () => `flag[c] = ${cond('c')};`],
      [2, () => 'k = (k + 1) % 3;'],
      [2, () => `await ${cond('c')};`],
      [1, () => 'atomic { await !lock; lock = true; }'],
      [1, () => 'lock = false;'],
      [1, () => 'cnt = count d: Cpu :: flag[d];'],
      [1, () => `either { flag[c] = true; } or { k = ${r.int(3)}; }`],
      // (an iteration may read only its own element of what the loop writes)
      [1, () => `atomic { for d: Cpu { flag[d] = flag[d] ${r.pick(['&&', '||'])} ${r.pick(['lock', 'k == 1', 'cnt > 0', '!cpu[c]@L0'])}; } }`],
      [hws ? 1 : 0, () => `atomic { for h: Hw { tlb[h] = ${r.pick(['flag[c]', 'lock', '(exists d: Cpu :: flag[d])'])}; } }`],
      [1, () => `if (${cond('c')}) { k = ${r.int(3)}; } else { flag[c] = !flag[c]; }`],
    ])();
  const body = ['var k: 0..2;', `L0: ${step()}`];
  for (let i = r.range(1, 3); i > 0; i--) body.push(step());
  lines.push(`process cpu(c: Cpu) {`, ...body.map((l) => `  ${l}`), '}');
  if (hws) {
    const fill = r.pick(['flag[0] || lock', '(exists d: Cpu :: flag[d])', 'cnt > 0']).replace('flag[0] || lock', 'lock');
    lines.push('background process hw(h: Hw) {', `  loop { atomic { await !tlb[h] && ${fill}; tlb[h] = true; } }`, '}');
  }
  if (r.chance(0.6)) lines.push(`invariant i0: (count d: Cpu :: flag[d]) <= ${n - 1} || lock;`);
  return [...lines, ''].join('\n');
}
