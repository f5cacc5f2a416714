// Symmetric types in the front-end (docs/language.md, "Symmetry"): what `symmetric type`
// parses and checks to, the IR it leaves (every value of the type carries its name), and the
// diagnostics (message and line:col) for every use that renaming the values would not preserve.
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel, Expr, Stmt, Type } from '../../src/check/ir.ts';
import type { Decl } from '../../src/parse/ast.ts';
import { parse } from '../../src/parse/parser.ts';
import { lineCol, sourceFile } from '../../src/parse/source.ts';

const check = (src: string, overrides = {}) => checkFile('/virtual/t.mmu', overrides, () => src);
const model = (src: string, overrides = {}): CheckedModel => {
  const r = check(src, overrides);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.model;
};
/** Each diagnostic as "line:col message". */
const errors = (src: string): string[] =>
  check(src).diagnostics.map((d) => {
    const { line, col } = lineCol(d.span!.file, d.span!.start);
    return `${line}:${col} ${d.message}`;
  });

const HEAD = 'model m;\nconst N = 2;\nsymmetric type Cpu = 0..N-1;\n'; // lines 1-3; the body starts on line 4
/** The diagnostics of HEAD + body (one model, several lines allowed). */
const bad = (body: string): string[] => errors(HEAD + body);
const CPU: Type = { kind: 'int', lo: 0, hi: 1, symmetric: 'Cpu' };

describe('parsing symmetric types', () => {
  it('marks the declaration symmetric, and leaves a plain type unmarked', () => {
    const { program, diagnostics } = parse(sourceFile('t', 'model m; symmetric type Cpu = 0..3; type Pid = 0..3;'));
    expect(diagnostics).toEqual([]);
    const [, sym, plain] = program.decls as Extract<Decl, { kind: 'type' }>[];
    expect(sym).toMatchObject({ kind: 'type', name: { name: 'Cpu' }, symmetric: true, type: { kind: 'range' } });
    expect('symmetric' in plain).toBe(false);
  });

  it('keeps symmetric usable as a name', () => {
    const m = model('model m; shared symmetric: bool; process p { symmetric = true; }');
    expect(m.globals[0].name).toBe('symmetric');
    expect(m.symmetricTypes).toEqual([]);
  });

  it("refuses 'symmetric' before anything but 'type'", () => {
    expect(errors('model m;\nsymmetric shared x: bool;\nprocess p { skip; }')).toEqual([
      "2:11 'symmetric' applies only to a type: expected 'symmetric type T = LO..HI;', found 'shared'",
    ]);
  });
});

describe('the checked IR of a symmetric type', () => {
  const m = model(`${HEAD}type Alias = Cpu;
struct S { who: Cpu, n: 0..2 }
shared owner: Cpu;
shared next: [Cpu]Cpu;
ghost s: [Cpu]S;
ghost plain: [N]Cpu;
process p(c: Cpu) {
  var mine: Alias;
  var r: Cpu;
  mine = any(Cpu);
  r = xchg(owner, c);
  next[c] = r == c ? mine : next[mine];
  atomic { for d: Cpu { s[d].n = 0; } }
}
invariant inv: forall d: Cpu :: p[d].mine != d || (count e: Cpu :: next[e] == d) <= N;`);

  it('lists the symmetric types with their ranges', () => {
    expect(m.symmetricTypes.map(({ name, lo, hi, span }) => ({ name, lo, hi, at: lineCol(span.file, span.start) }))).toEqual([
      { name: 'Cpu', lo: 0, hi: 1, at: { line: 3, col: 1 } },
    ]);
  });

  it('gives locations, fields, elements, locals, parameters and array indices the type (aliases included)', () => {
    expect(m.globals[0].type).toEqual(CPU);
    expect(m.globals[1].type).toEqual({ kind: 'array', index: CPU, elem: CPU });
    expect(m.globals[2].type).toEqual({
      kind: 'array',
      index: CPU,
      elem: {
        kind: 'struct',
        name: 'S',
        fields: [
          { name: 'who', type: CPU },
          { name: 'n', type: { kind: 'int', lo: 0, hi: 2 } },
        ],
      },
    });
    expect(m.globals[3].type).toEqual({ kind: 'array', index: { kind: 'int', lo: 0, hi: 1 }, elem: CPU });
    const p = m.processes[0];
    expect(p.param).toEqual({ name: 'c', type: CPU });
    expect(p.locals.map((l) => l.type)).toEqual([CPU, CPU]);
    // Starts at the first value like any other location: the initial state need not be symmetric.
    expect([m.globals[0].init, m.globals[1].init, p.locals[0].init]).toEqual([0, [0, 0], 0]);
  });

  it('gives expressions of the type the type: any, op results, conditionals, for and quantifier variables', () => {
    const body = m.processes[0].body;
    const any = body[0] as Extract<Stmt, { kind: 'any' }>;
    expect(any.over).toEqual(CPU);
    const op = body[1] as Extract<Stmt, { kind: 'op' }>;
    expect([op.location.type, op.args[0].type, op.args[0].kind]).toEqual([CPU, CPU, 'param']);
    const assign = body[2] as Extract<Stmt, { kind: 'assign' }>;
    expect(assign.value).toMatchObject({ kind: 'cond', type: CPU, then: { type: CPU }, else: { kind: 'index', type: CPU, index: { type: CPU } } });
    expect(assign.target).toMatchObject({ kind: 'index', type: CPU, index: { kind: 'param', type: CPU } });
    const loop = (body[3] as Extract<Stmt, { kind: 'atomic' }>).body[0] as Extract<Stmt, { kind: 'for' }>;
    expect(loop.over).toEqual(CPU);
    const inv = m.invariants[0].expr as Extract<Expr, { kind: 'quant' }>;
    expect(inv.over).toEqual(CPU);
    // count over Cpu is a plain integer.
    const count = ((inv.body as Extract<Expr, { kind: 'binary' }>).right as Extract<Expr, { kind: 'binary' }>).left;
    expect(count).toMatchObject({ kind: 'quant', q: 'count', over: CPU, type: { kind: 'int', lo: -Infinity, hi: Infinity } });
    expect('symmetric' in count.type).toBe(false);
    expect((inv.body as Extract<Expr, { kind: 'binary' }>).left).toMatchObject({ kind: 'binary', left: { kind: 'procLocal', type: CPU } });
  });

  it('follows --const into the range', () => {
    const m3 = model(`${HEAD}process p(c: Cpu) { skip; }`, { N: 3 });
    expect(m3.symmetricTypes.map((t) => [t.name, t.lo, t.hi])).toEqual([['Cpu', 0, 2]]);
    expect(m3.processes[0].param?.type).toEqual({ kind: 'int', lo: 0, hi: 2, symmetric: 'Cpu' });
  });

  it('keeps two symmetric types apart, and a version-1 model free of the field', () => {
    const two = model(`${HEAD}symmetric type Node = 0..2;\nshared home: [Node]Cpu;\nprocess p(c: Cpu) { skip; }`);
    expect(two.symmetricTypes.map((t) => t.name)).toEqual(['Cpu', 'Node']);
    expect(two.globals[0].type).toEqual({ kind: 'array', index: { kind: 'int', lo: 0, hi: 2, symmetric: 'Node' }, elem: CPU });
    const v1 = model('model m;\ntype Cpu = 0..1;\nshared x: [Cpu]Cpu;\nprocess p(c: Cpu) { x[c] = c; }');
    expect(v1.symmetricTypes).toEqual([]);
    expect(JSON.stringify({ ...v1, mainFile: null, files: null })).not.toContain('"symmetric"');
  });
});

describe('what a value of a symmetric type may do', () => {
  it('is stored, compared, indexes arrays and instances, and is bound by quantifiers, any, for and parameters', () => {
    const m = model(`${HEAD}symmetric type Node = 0..1;
struct Req { from: Cpu, to: Node, busy: bool }
shared owner: Cpu;
shared home: [Node]Cpu;
shared reqs: [Cpu]Req;
shared cnt: [N]0..3;                         // a plain array of plain values
shared who: [2]Cpu;                          // a plain array may hold values of Cpu
inline give(to, v) { to = v; }
process p(c: Cpu) {
  var r: Cpu;
  var n: Node;
  r = READ_ONCE(owner);
  cs: r = cmpxchg(owner, r, c);
  n = any(Node);
  give(home[n], c);
  WRITE_ONCE(reqs[c].from, r);
  reqs[c].to = n;
  who[1] = r;
  if (r != c && done(p[r]) || p[r]@cs || p[owner].r == c) { skip; }
  atomic {
    for d: Cpu { reqs[d].busy = reqs[d].from == d; }
    for k: Node { if (home[k] == c) { continue; } home[k] = any(Cpu); }
  }
  cnt[1] = count d: Cpu :: reqs[d].busy;
  cnt[0] = (sum d: Cpu :: reqs[d].busy ? 1 : 0) - 1 + (c == owner ? 1 : 0);
}
background process w(k: Node) { loop { home[k] = xchg(owner, home[k]); } }
invariant i1: forall d: Cpu :: exists e: Cpu :: reqs[d].from == e;
property q: (exists d: Cpu :: p[d]@cs) ~> done(p[owner]);`);
    expect(m.processes.map((p) => p.name)).toEqual(['p', 'w']);
  });
});

describe('diagnostics for uses that renaming does not preserve', () => {
  it('refuses a symmetric type that is not an integer range', () => {
    expect(errors('model m;\nenum E { A, B }\nsymmetric type T = E;\nsymmetric type U = bool;\nsymmetric type V = [2]bool;\nprocess p { skip; }')).toEqual([
      '3:20 a symmetric type must be an integer range LO..HI',
      '4:20 a symmetric type must be an integer range LO..HI',
      '5:20 a symmetric type must be an integer range LO..HI',
    ]);
  });

  it('refuses a literal: stored, as an initialiser, as an index, as an instance, in ?:', () => {
    expect(
      bad(`shared o: Cpu = 0;
shared a: [Cpu]bool;
ghost nx: [Cpu]Cpu = 1;
process p(c: Cpu) {
  var v: Cpu = 0;
  o = 1;
  a[0] = true;
  await done(p[1]);
  o = c == o ? c : 0;
  WRITE_ONCE(o, 1);
}`),
    ).toEqual([
      "4:17 a location of symmetric type Cpu cannot have an initialiser: a value of Cpu cannot be written as a literal or a constant; without '= 0' it starts at Cpu's first value",
      "6:22 an element or field of symmetric type Cpu cannot have an initialiser: a value of Cpu cannot be written as a literal or a constant; without '= 1' it starts at Cpu's first value",
      "8:16 a location of symmetric type Cpu cannot have an initialiser: a value of Cpu cannot be written as a literal or a constant; without '= 0' it starts at Cpu's first value",
      "9:7 a value of symmetric type Cpu cannot be written as a literal ('1')",
      "10:5 a value of symmetric type Cpu cannot be written as a literal ('0')",
      "11:16 a value of symmetric type Cpu cannot be written as a literal ('1')",
      "12:20 a value of symmetric type Cpu cannot be written as a literal ('0')",
      "13:17 a value of symmetric type Cpu cannot be written as a literal ('1')",
    ]);
  });

  it('refuses comparing with a literal or a constant, and ordering', () => {
    expect(
      bad(`const K = 1;
shared o: Cpu;
process p(c: Cpu) {
  await o != 0;
  await K == c;
  await o < c;
  await c >= o;
}`),
    ).toEqual([
      "7:14 a value of symmetric type Cpu cannot be compared with a literal ('0'): it may be compared only with another value of Cpu",
      "8:9 a value of symmetric type Cpu cannot be compared with an integer: 'K' is an integer constant",
      "9:9 a value of symmetric type Cpu cannot be used in arithmetic or ordering ('<'): only == and != compare it",
      "10:9 a value of symmetric type Cpu cannot be used in arithmetic or ordering ('>='): only == and != compare it",
    ]);
  });

  it('refuses arithmetic, fetch_add and a sum of the values', () => {
    expect(
      bad(`shared o: Cpu;
shared x: 0..9;
process p(c: Cpu) {
  x = c + 1;
  x = 2 * o;
  o = -c;
  fetch_add(o, 1);
  x = fetch_sub(o, 1);
  x = sum d: Cpu :: d;
}`),
    ).toEqual([
      "7:7 a value of symmetric type Cpu cannot be used in arithmetic or ordering ('+'): only == and != compare it",
      "8:11 a value of symmetric type Cpu cannot be used in arithmetic or ordering ('*'): only == and != compare it",
      "9:8 a value of symmetric type Cpu cannot be used in arithmetic ('-')",
      '10:13 fetch_add is arithmetic, and a value of symmetric type Cpu cannot be used in arithmetic',
      '11:17 fetch_sub is arithmetic, and a value of symmetric type Cpu cannot be used in arithmetic',
      "12:21 the body of 'sum' must be an integer, and a value of symmetric type Cpu cannot be converted to one",
    ]);
  });

  it('refuses conversions to and from an integer, any(LO..HI) and constants included', () => {
    expect(
      bad(`const K = 1;
shared o: Cpu;
shared x: 0..3;
shared pa: [N]bool;
process q(i: 0..1) { skip; }
process p(c: Cpu) {
  x = c;
  o = x;
  o = K;
  o = any(0..1);
  x = any(Cpu);
  x = xchg(o, c);
  pa[c] = true;
  await done(q[c]);
  o = true ? x : c;
}`),
    ).toEqual([
      '10:7 a value of symmetric type Cpu cannot be converted to an integer: expected 0..3, found Cpu',
      '11:7 an integer cannot be converted to symmetric type Cpu: expected Cpu, found 0..3',
      "12:7 an integer cannot be converted to symmetric type Cpu: 'K' is an integer constant",
      '13:7 an integer cannot be converted to symmetric type Cpu: expected Cpu, found 0..1',
      '14:7 a value of symmetric type Cpu cannot be converted to an integer: expected 0..3, found Cpu',
      '15:7 a value of symmetric type Cpu cannot be converted to an integer: expected 0..3, found Cpu',
      "16:6 'pa' is indexed by 0..1, an integer: a value of symmetric type Cpu can index only an array indexed by Cpu",
      "17:16 the instances of 'q' are numbered by 0..1, an integer: a value of symmetric type Cpu cannot name one",
      "18:18 the arms of '?:' must both be of symmetric type Cpu or both not: found 0..3 and Cpu",
    ]);
  });

  it('refuses whole-array copies between arrays indexed by the type and by an integer', () => {
    expect(bad('shared a: [Cpu]bool;\nshared b: [N]bool;\nprocess p { a = b; }')).toEqual(['6:17 expected [Cpu]bool, found [0..1]bool']);
  });

  it('keeps two symmetric types apart', () => {
    expect(
      bad(`symmetric type Node = 0..1;
shared o: Cpu;
shared home: [Node]bool;
process p(n: Node) {
  o = n;
  await o == n;
  home[o] = true;
  o = true ? o : n;
}`),
    ).toEqual([
      '8:7 symmetric types Cpu and Node do not mix: expected Cpu, found Node',
      "9:9 symmetric types Cpu and Node do not mix: '==' compares Cpu with Node",
      '10:8 symmetric types Node and Cpu do not mix: expected Node, found Cpu',
      "11:18 symmetric types Cpu and Node do not mix: the arms of '?:' are Cpu and Node",
    ]);
  });

  it('refuses a symmetric type or its values as the bound of another type', () => {
    expect(bad('type Count = 0..Cpu;\nshared n: Count;\nprocess p { skip; }')).toEqual([
      "4:17 symmetric type 'Cpu' cannot be used as the bound of another type",
    ]);
    expect(bad('shared n: [Cpu]bool;\nprocess p(c: Cpu) { var k: 0..3; k = (count d: Cpu :: n[d]) + 0; n[c] = k == 1; }')).toEqual([]);
  });

  it('allows for over the type only inside atomic', () => {
    expect(bad('shared a: [Cpu]bool;\nprocess p {\n  for d: Cpu { a[d] = true; }\n  atomic { for d: Cpu { a[d] = false; } }\n}')).toEqual([
      "6:3 'for d: Cpu' over a symmetric type is allowed only inside 'atomic { }': outside, its fixed order of iterations would be a behaviour that renaming does not preserve",
    ]);
    // An inline is checked where it is expanded: inside atomic there, so allowed.
    expect(bad('shared a: [Cpu]bool;\ninline clear() { for d: Cpu { a[d] = false; } }\nprocess p { atomic { clear(); } clear(); }')).toEqual([
      "5:18 'for d: Cpu' over a symmetric type is allowed only inside 'atomic { }': outside, its fixed order of iterations would be a behaviour that renaming does not preserve",
    ]);
  });

  it('refuses an atomic for whose iterations would not commute', () => {
    expect(
      bad(`shared o: Cpu;
shared a: [Cpu]Cpu;
shared m: [Cpu][Cpu]bool;
shared flag: [Cpu]bool;
process p(c: Cpu) {
  var t: bool; var u: [Cpu]bool;
  atomic { for d: Cpu { o = d; } }
  atomic { for d: Cpu { a[d] = a[a[d]]; } }
  atomic { for d: Cpu { m[d][c] = true; m[c][d] = false; } }
  atomic { for d: Cpu { t = flag[d]; flag[d] = t; } }
  atomic { for d: Cpu { flag[d] = exists e: Cpu :: flag[e]; } }
  atomic { for d: Cpu { u[d] = p[d].u[d]; } }
}`),
    ).toEqual([
      "10:25 inside 'for d: Cpu', a store must go to an element indexed by d (like a[d]): storing to 'o' here would make the outcome depend on the order of the iterations",
      "11:32 inside 'for d: Cpu', 'a' is stored to at index d, so it may be read only at index d: reading 'a[a[d]]' here would make the outcome depend on the order of the iterations",
      "12:41 inside 'for d: Cpu', every store to 'm' must have d at the same place among its indices: storing to 'm[c][d]' here would make the outcome depend on the order of the iterations",
      "13:25 inside 'for d: Cpu', a store must go to an element indexed by d (like a[d]): storing to 't' here would make the outcome depend on the order of the iterations",
      "14:52 inside 'for d: Cpu', 'flag' is stored to at index d, so it may be read only at index d: reading 'flag[e]' here would make the outcome depend on the order of the iterations",
      "15:32 inside 'for d: Cpu', 'u' is stored to at index d, so it may be read only at index d: reading 'p[d].u' here would make the outcome depend on the order of the iterations",
    ]);
    // Reads of what the loop does not store are free; stores at d at any depth are fine.
    expect(
      bad(`shared o: Cpu;
shared m: [Cpu][Cpu]bool;
struct S { f: [Cpu]bool, g: bool }
ghost s: [2]S;
ghost g: [Cpu]bool;
process p(c: Cpu) {
  var mine: [Cpu]bool;
  atomic { for d: Cpu { m[d][o] = m[d][c] || g[o]; for e: Cpu { m[d][e] = !m[d][e]; } } }
  atomic { for d: Cpu { s[1].f[d] = g[c] && o == d; mine[d] = s[1].f[d]; either { mine[d] = any(bool); } or { skip; } } }
}`),
    ).toEqual([]);
    // The rule is per location, so it is conservative: s[0].g is never stored in the loop, but
    // s is, so only s's elements at d may be read.
    expect(bad('struct S { f: [Cpu]bool, g: bool }\nghost s: [2]S;\nprocess p { atomic { for d: Cpu { s[1].f[d] = s[0].g; } } }')).toEqual([
      "6:47 inside 'for d: Cpu', 's' is stored to at index d, so it may be read only at index d: reading 's[0].g' here would make the outcome depend on the order of the iterations",
    ]);
  });

  it('refuses await, break and return inside an atomic for over the type', () => {
    expect(
      bad(`shared a: [Cpu]bool;
inline first() { for d: Cpu { if (a[d]) { return; } } }
process p(c: Cpu) {
  atomic { for d: Cpu { await a[d]; } }
  loop { atomic { for d: Cpu { if (a[d]) { break; } } } }
  atomic { first(); }
  atomic { for d: Cpu { while (a[d]) { a[d] = false; break; } if (a[d]) { continue; } } }
}`),
    ).toEqual([
      "7:25 'await' cannot be inside 'for d: Cpu': whether the block completes would depend on the order of the iterations (wait before the loop, with forall)",
      "8:44 'break' cannot leave 'for d: Cpu': where the loop stops would depend on the order of the iterations",
      "5:43 'return' cannot leave 'for d: Cpu': where the loop stops would depend on the order of the iterations",
    ]);
  });
});
