// Unit tests per stage: what the parser builds, what the checker decides, what the automaton
// looks like. Counts here are derived by hand in the comments.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/check/check.ts';
import type { CheckedModel, Stmt } from '../../src/check/ir.ts';
import { buildAutomaton } from '../../src/compile/automaton.ts';
import { compile, instantiate } from '../../src/compile/system.ts';
import { explore } from '../../src/explore/bfs.ts';
import { parse } from '../../src/parse/parser.ts';
import { sourceFile } from '../../src/parse/source.ts';
import { naiveExplore } from '../reference/naive.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const model = (src: string, consts = {}): CheckedModel => {
  const r = checkFile('/virtual/t.mmu', consts, () => src);
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.model;
};
const errors = (src: string, consts = {}) => checkFile('/virtual/t.mmu', consts, () => src).diagnostics.map((d) => d.message);

describe('parser', () => {
  it('gives => the lowest precedence and keeps C precedence below it', () => {
    const { program } = parse(sourceFile('t', 'model m; invariant i: a || b && c => d == 1 + 2 * 3;'));
    const inv = program.decls[1] as Extract<(typeof program.decls)[number], { kind: 'invariant' }>;
    expect(inv.expr).toMatchObject({
      kind: 'binary',
      op: '=>',
      left: { op: '||', right: { op: '&&' } },
      right: { op: '==', right: { op: '+', right: { op: '*' } } },
    });
  });
  it('parses quantifier bodies as far as possible', () => {
    const { program, diagnostics } = parse(sourceFile('t', 'model m; invariant i: forall x: 0..1 :: x == 0 => x < 1;'));
    expect(diagnostics).toEqual([]);
    expect((program.decls[1] as { expr: { kind: string; body: { op: string } } }).expr).toMatchObject({ kind: 'quant', body: { op: '=>' } });
  });
  it('reports several syntax errors in one run', () => {
    const { diagnostics } = parse(sourceFile('t', 'model m;\nprocess p { x = ; y = 1 }\ninvariant : 1;'));
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
  });
});

describe('checker', () => {
  it('marks conditions on constants and the parameter foldable, and those on state or for variables not', () => {
    const m = model(`model m; const K = 1; shared x: 0..1;
      process p(i: 0..1) { if (i == K && forall j: 0..1 :: j >= 0) { skip; } if (x == 0) { skip; } for v: 0..1 { if (v == i) { skip; } } }`);
    const body = m.processes[0].body;
    expect((body[0] as Extract<Stmt, { kind: 'if' }>).foldable).toBe(true);
    expect((body[1] as Extract<Stmt, { kind: 'if' }>).foldable).toBe(false);
    expect(((body[2] as Extract<Stmt, { kind: 'for' }>).body[0] as Extract<Stmt, { kind: 'if' }>).foldable).toBe(false);
  });
  it('lets overridden constants flow into types derived from them', () => {
    const m = model('model m; const N = 2; const M = N + 1; type T = 0..M; shared x: [N]T; process p { skip; }', { N: '4' });
    expect(m.constants.find((c) => c.name === 'M')!.value).toBe(5);
    expect(m.globals[0].type).toMatchObject({ kind: 'array', index: { lo: 0, hi: 3 }, elem: { lo: 0, hi: 5 } });
  });
  it('rejects values outside the type of an initialiser, and assignments across types', () => {
    expect(errors('model m; shared x: 0..3 = 4; process p { skip; }')).toEqual(['initial value 4 is outside 0..3']);
    expect(errors('model m; enum E { A, B } shared e: E; process p { e = 1; }')).toEqual(['expected E, found int']);
  });
  it('gives each expansion of an inline its own locals', () => {
    const m = model('model m; inline f() { var t: bool; t = true; } process p { f(); f(); }');
    expect(m.processes[0].locals.map((l) => l.name)).toEqual(['f.t', 'f#2.t']);
  });
});

describe('automaton', () => {
  it('resolves everything that is not a step: labels, barriers, folded ifs, for mechanics', () => {
    // Steps: x = 1; then the for over 0..2 unrolled (3 assignments); the folded if adds
    // nothing; smp_mb adds nothing. Program points: 4 steps + terminated = 5.
    const m = model(`model m; const C = 0; shared x: 0..3; shared a: [3]bool;
      process p { x = 1; smp_mb(); here: for i: 0..2 { a[i] = true; } if (C == 1) { x = 2; } }`);
    const { automaton } = buildAutomaton(m.processes[0], undefined);
    expect(automaton!.nodes.length).toBe(5);
    expect(automaton!.nodes[1].labels).toEqual(['here']);
    expect(automaton!.nodes[automaton!.terminal].terminal).toBe(true);
  });
  it("makes an either a program point of its own, whose steps are its branches' first steps", () => {
    const m = model('model m; shared x: 0..2; process p { either { x = 1; } or { await x == 2; } or { skip; x = 2; } }');
    const { automaton } = buildAutomaton(m.processes[0], undefined);
    expect(automaton!.nodes[0].edges.map((e) => e.stmt.kind)).toEqual(['assign', 'await', 'skip']);
  });
});

describe('the language features random models miss (imports, structs, inline locals)', () => {
  it('agree between the engine and the naive explorer on test/fixtures/features.mmu', async () => {
    const r = checkFile(join(ROOT, 'test/fixtures/features.mmu'));
    expect(r.diagnostics).toEqual([]);
    const sys = compile(r.model!).system!;
    const engine = await explore(sys, instantiate(sys));
    const naive = naiveExplore(r.model!);
    expect(engine.verdict).toBe('pass');
    expect([engine.states, engine.maxDepth]).toEqual([naive.states, naive.maxDepth]);
  });
});
