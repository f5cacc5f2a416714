// Temporal properties and fairness in the front-end: what `property`, `eventually`, `~>` and
// `fair` parse and check to, and the diagnostics (message and line:col) for misplaced ones.
import { describe, expect, it } from 'vitest';
import type { Decl } from '../../src/parse/ast.ts';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel } from '../../src/check/ir.ts';
import { parse } from '../../src/parse/parser.ts';
import { lineCol, sourceFile } from '../../src/parse/source.ts';

const check = (src: string) => checkFile('/virtual/t.mmu', {}, () => src);
const model = (src: string): CheckedModel => {
  const r = check(src);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.model;
};
/** Each diagnostic as "line:col message". */
const errors = (src: string): string[] =>
  check(src).diagnostics.map((d) => {
    const { line, col } = lineCol(d.span!.file, d.span!.start);
    return `${line}:${col} ${d.message}`;
  });

const HEAD = 'model m;\nshared x: 0..3;\nprocess p { var t: bool; x = 1; here: x = 2; }\n'; // lines 1-3

describe('parsing properties', () => {
  it('gives ~> the loosest binding, below =>', () => {
    const { program, diagnostics } = parse(sourceFile('t', 'model m; property q: a => b ~> c || d && e;'));
    expect(diagnostics).toEqual([]);
    const d = program.decls[1] as Extract<Decl, { kind: 'property' }>;
    expect(d).toMatchObject({ kind: 'property', temporal: 'leadsTo', from: { op: '=>' }, expr: { op: '||', right: { op: '&&' } } });
  });

  it('reads eventually EXPR to the end of the declaration', () => {
    const { program, diagnostics } = parse(sourceFile('t', 'model m; property q: eventually a => b;'));
    expect(diagnostics).toEqual([]);
    const d = program.decls[1] as Extract<Decl, { kind: 'property' }>;
    expect(d).toMatchObject({ temporal: 'eventually', from: undefined, expr: { op: '=>' } });
  });

  it('records fair on processes, background or not', () => {
    const { program } = parse(sourceFile('t', 'model m; fair process a { skip; } fair background process b { skip; } process c { skip; }'));
    expect(program.decls.slice(1).map((d) => d.kind === 'process' && [d.fair, d.background])).toEqual([
      [true, false],
      [true, true],
      [false, false],
    ]);
  });

  it('keeps a parenthesised quantifier on the left of ~>', () => {
    const { diagnostics } = parse(sourceFile('t', 'model m; property q: (forall i: 0..1 :: a[i]) ~> b;'));
    expect(diagnostics).toEqual([]);
  });
});

describe('checked properties', () => {
  it('lists properties in declaration order, wherever they stand, with both sides checked like invariants', () => {
    const m = model(`${HEAD}property first: eventually done(p);
invariant ok: x <= 3;
property second: p@here && p.t ~> (exists i: 0..3 :: x == i) && (forall j: 0..3 :: j >= 0);
const K = 1;`);
    expect(m.properties.map((p) => [p.name, p.kind, p.from?.kind ?? null, p.expr.kind, p.boundSlots])).toEqual([
      ['first', 'eventually', null, 'procDone', 0],
      ['second', 'leadsTo', 'binary', 'binary', 2],
    ]);
    // The span covers the whole declaration, like an invariant's.
    expect(lineCol(m.properties[1].span.file, m.properties[1].span.start)).toEqual({ line: 6, col: 1 });
    expect(m.invariants.map((i) => i.name)).toEqual(['ok']);
  });

  it('numbers bound slots across both sides, as one expression', () => {
    const m = model(`${HEAD}property q: (forall i: 0..1 :: x != i) ~> (count j: 0..3 :: x == j) == 1;`);
    const p = m.properties[0];
    expect([p.boundSlots, (p.from as { slot?: number }).slot, (p.expr as { left: { slot?: number } }).left.slot]).toEqual([2, 0, 1]);
  });

  it('makes ordinary and fair background processes fair, plain background ones not', () => {
    const m = model(`model m; shared x: 0..1;
process a { skip; }
fair process b { skip; }
background process c { loop { skip; } }
fair background process d { loop { skip; } }`);
    expect(m.processes.map((p) => [p.name, p.background, p.fair])).toEqual([
      ['a', false, true],
      ['b', false, true],
      ['c', true, false],
      ['d', true, true],
    ]);
  });

  it('leaves version 1 models as they were: no properties, fair and property usable as names', () => {
    const m = model('model m; shared fair: bool; shared property: bool; process p { fair = property; } invariant i: fair => property;');
    expect(m.properties).toEqual([]);
    expect(m.processes[0].fair).toBe(true);
    expect(m.globals.map((g) => g.name)).toEqual(['fair', 'property']);
  });
});

describe('property diagnostics', () => {
  it('~> outside the top of a property', () => {
    expect(errors(`${HEAD}invariant i: x == 0 ~> x == 1;`)).toEqual(["4:21 '~>' can only be the top operator of a property: property NAME: P ~> Q;"]);
    expect(errors(`${HEAD}property q: (x == 0 ~> x == 1);`)).toEqual(["4:21 '~>' can only be the top operator of a property: property NAME: P ~> Q;"]);
    expect(errors(`${HEAD}property q: x == 0 ~> (x == 1 ~> x == 2);`)).toEqual([
      "4:31 '~>' can only be the top operator of a property: property NAME: P ~> Q;",
    ]);
    expect(errors('model m;\nshared x: 0..3;\nprocess p {\n  assert x == 0 ~> x == 1;\n}')).toEqual([
      "4:17 '~>' can only be the top operator of a property: property NAME: P ~> Q;",
    ]);
    expect(errors('model m;\nshared x: bool;\nprocess p {\n  await x ? x ~> x : x;\n}')).toEqual([
      "4:15 '~>' can only be the top operator of a property: property NAME: P ~> Q;",
    ]);
  });

  it('~> twice in one property', () => {
    expect(errors(`${HEAD}property q: x == 0 ~> x == 1 ~> x == 2;`)).toEqual(["4:30 a property has at most one '~>'"]);
  });

  it('~> inside a quantifier body', () => {
    expect(errors(`${HEAD}property q: forall i: 0..3 :: x == i ~> x == 3;`)).toEqual([
      "4:38 '~>' cannot be inside a quantifier: write (forall i: ... :: ...) ~> Q, with the parentheses",
    ]);
  });

  it('eventually anywhere but at the start of a property', () => {
    expect(errors(`${HEAD}property q: x == 0 ~> eventually x == 1;`)).toEqual(["4:23 'eventually' can only begin a property: property NAME: eventually EXPR;"]);
    expect(errors(`${HEAD}invariant i: eventually x == 1;`)).toEqual(["4:14 'eventually' can only begin a property: property NAME: eventually EXPR;"]);
    expect(errors('model m;\nshared x: 0..3;\nprocess p {\n  await eventually x == 1;\n}')).toEqual([
      "4:9 'eventually' can only begin a property: property NAME: eventually EXPR;",
    ]);
    expect(errors(`${HEAD}property q: !eventually x == 1;`)).toEqual(["4:14 'eventually' can only begin a property: property NAME: eventually EXPR;"]);
  });

  it('eventually and ~> in one property', () => {
    expect(errors(`${HEAD}property q: eventually x == 0 ~> x == 1;`)).toEqual(["4:31 a property is either 'eventually Q' or 'P ~> Q', not both"]);
  });

  it('a property that is neither', () => {
    expect(errors(`${HEAD}property q: x == 0;`)).toEqual(["4:13 a property is 'eventually Q' or 'P ~> Q', and this is neither"]);
    expect(errors(`${HEAD}property q: x == 0 x;`)).toEqual(["4:20 expected '~>', found 'x'"]);
  });

  it('fair before something that is not a process', () => {
    expect(errors(`${HEAD}fair invariant i: x == 0;`)).toEqual([
      "4:6 'fair' applies only to a process: expected 'process' or 'background process', found 'invariant'",
    ]);
    expect(errors(`${HEAD}fair shared y: bool;`)).toEqual(["4:6 'fair' applies only to a process: expected 'process' or 'background process', found 'shared'"]);
    expect(errors(`${HEAD}fair property q: eventually x == 1;`)).toEqual([
      "4:6 'fair' applies only to a process: expected 'process' or 'background process', found 'property'",
    ]);
  });

  it('reports several misplaced forms in one run, and goes on after each', () => {
    expect(errors(`${HEAD}invariant i: x ~> x;\nfair const K = 1;\nproperty q: x == 1 ~> x == 2;\nproperty r: eventually eventually x == 1;`)).toEqual([
      "4:16 '~>' can only be the top operator of a property: property NAME: P ~> Q;",
      "5:6 'fair' applies only to a process: expected 'process' or 'background process', found 'const'",
      "7:24 'eventually' can only begin a property: property NAME: eventually EXPR;",
    ]);
  });

  it('duplicate names, shared with every other declaration', () => {
    expect(errors(`${HEAD}property x: eventually true;`)).toEqual(["4:10 'x' is already declared"]);
    expect(errors(`${HEAD}invariant q: true;\nproperty q: eventually true;`)).toEqual(["5:10 'q' is already declared"]);
    expect(errors(`${HEAD}property q: eventually true;\nproperty q: true ~> true;`)).toEqual(["5:10 'q' is already declared"]);
    expect(errors(`${HEAD}property p: eventually true;`)).toEqual(["4:10 'p' is already declared"]);
  });

  it('types: both sides must be bools', () => {
    expect(errors(`${HEAD}property q: eventually x;`)).toEqual(['4:24 expected a bool, found 0..3']);
    expect(errors(`${HEAD}property q: x + 1 ~> x == 1;`)).toEqual(['4:13 expected a bool, found int']);
    // Both sides are checked, so both mistakes are reported.
    expect(errors(`${HEAD}property q: x ~> 2;`)).toEqual(['4:13 expected a bool, found 0..3', '4:18 expected a bool, found int']);
  });

  it('names: what an invariant may read, and nothing else', () => {
    expect(errors(`${HEAD}property q: eventually y == 1;`)).toEqual(["4:24 unknown name 'y'"]);
    expect(errors(`${HEAD}property q: eventually p@nowhere;`)).toEqual(["4:26 process 'p' has no label 'nowhere'"]);
    expect(errors(`${HEAD}property q: eventually p.u;`)).toEqual(["4:26 process 'p' has no local 'u'"]);
    expect(errors(`${HEAD}property q: eventually t;`)).toEqual(["4:24 unknown name 't'"]);
    expect(errors(`${HEAD}property q: eventually true;\ninvariant i: q;`)).toEqual(["5:14 'q' is a property, not a value"]);
  });
});
