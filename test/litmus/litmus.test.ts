// C litmus tests as input: the answers (derived by hand below, never copied from a run), the
// command line, the spec format, and a diagnostic with its place for everything outside the
// supported subset.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { runLitmus } from '../../src/litmus/run.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const KERNEL = join(ROOT, 'models', 'litmus', 'kernel');

function run(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function litmusFile(text: string, name = 't.litmus'): string {
  const dir = mkdtempSync(join(tmpdir(), 'mmucheck-litmus-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function answer(path: string, memory: 'sc' | 'tso' | 'arm') {
  const o = await runLitmus({ path, memory });
  if (o.kind !== 'done' || !o.answer) throw new Error(`no answer: ${o.kind}`);
  return o.answer;
}

const MP = join(KERNEL, 'MP+poonceonces.litmus');

describe('answers in herd7 terms', () => {
  // MP: P0 writes buf then flag, P1 reads flag (r0) then buf (r1). Under sc and tso a load
  // of flag = 1 means buf = 1 is in memory, so (r0, r1) is 00, 01 or 11: States 3, and the
  // outcome 10 never happens. Armv8 lets the stores reach memory in either order, so 10 is
  // reachable too: States 4.
  it('MP+poonceonces: Never under sc and tso (3 final states), Sometimes under arm (4)', async () => {
    for (const m of ['sc', 'tso'] as const) {
      const a = await answer(MP, m);
      expect(a.observation).toBe('Never');
      expect(a.finalStates).toEqual(['1:r0=0; 1:r1=0;', '1:r0=0; 1:r1=1;', '1:r0=1; 1:r1=1;']);
    }
    const arm = await answer(MP, 'arm');
    expect(arm.observation).toBe('Sometimes');
    expect(arm.states).toBe(4);
  });

  // SB under tso: each store may wait in its buffer while the other process loads, so every
  // pair (r0, r1) is reachable: 4 final states; the outcome 00 is one of them.
  it('SB+poonceonces under tso: Sometimes, 4 states', async () => {
    const a = await answer(join(KERNEL, 'SB+poonceonces.litmus'), 'tso');
    expect(a).toMatchObject({ observation: 'Sometimes', states: 4 });
  });

  it('forall, ~exists, locations, filter and an initial register value', async () => {
    // One process writes x = 2; P1 starts with r1 = 5 and reads x: r1 is 0 or 2, never 5.
    const text = (cond: string) => `C T\n{ x = 0; 1:r1 = 5; }\nP0(int *x) { WRITE_ONCE(*x, 2); }\nP1(int *x) { int r1; r1 = READ_ONCE(*x); }\n${cond}\n`;
    expect(await answer(litmusFile(text('forall (x=2)')), 'sc')).toMatchObject({ observation: 'Always', validated: true, states: 1 });
    expect(await answer(litmusFile(text('~exists (1:r1=5)')), 'sc')).toMatchObject({ observation: 'Never', validated: true, states: 2 });
    expect(await answer(litmusFile(text('locations [x;] exists (1:r1=2)')), 'sc')).toMatchObject({ observation: 'Sometimes', states: 2 });
    // The filter keeps the runs where P1 saw 0; then the condition r1 = 2 never holds.
    expect(await answer(litmusFile(text('filter (1:r1=0) exists (1:r1=2)')), 'sc')).toMatchObject({ observation: 'Never', states: 1 });
  });

  it('pointers: a register holding an address is dereferenced, and the condition names the address', async () => {
    // P0 publishes &x in p after x = 1 with a release; P1 reads p, then *r0. p starts at &y
    // (y = 3). Final states: (r0, r1) = (y, 3), (x, 1), and under sc never (x, 0).
    const path = litmusFile(
      'C P\n{ int y = 3; int *p = &y; }\nP0(int *x, int **p) { WRITE_ONCE(*x, 1); smp_store_release(p, x); }\nP1(int **p) { int *r0; int r1; r0 = READ_ONCE(*p); r1 = READ_ONCE(*r0); }\nexists (1:r0=x /\\ 1:r1=0)\n',
    );
    const a = await answer(path, 'sc');
    expect(a.observation).toBe('Never');
    expect(a.finalStates).toEqual(['1:r0=x; 1:r1=1;', '1:r0=y; 1:r1=3;']);
  });
});

describe('mmucheck check TEST.litmus', () => {
  it('prints Condition, States, the final states and the Observation, exit 0 whatever it is', () => {
    const r = run(['check', MP, '--memory', 'arm', '--trace', 'table']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^mmucheck: MP\+poonceonces \(C litmus test\), memory arm/m);
    expect(r.stdout).toMatch(/^States 4$/m);
    expect(r.stdout).toMatch(/^Observation MP\+poonceonces Sometimes$/m);
    expect(r.stdout).toMatch(/^final state after step \d+: exists \(1:r0=1 \/\\ 1:r1=0\) holds$/m);
    expect(r.stdout).toMatch(/distinct states, .* transitions/);
  });

  it('--memory all prints one line per memory model', () => {
    const r = run(['check', MP, '--memory', 'all']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}sc {3}Observation MP\+poonceonces Never +States 3$/m);
    expect(r.stdout).toMatch(/^ {2}tso {2}Observation MP\+poonceonces Never +States 3$/m);
    expect(r.stdout).toMatch(/^ {2}arm {2}Observation MP\+poonceonces Sometimes States 4$/m);
  });

  it('--json carries litmus and conforms to docs/summary.schema.json', () => {
    const r = run(['check', MP, '--memory', 'tso', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.litmus).toMatchObject({ test: 'MP+poonceonces', observation: 'Never', condition: 'exists (1:r0=1 /\\ 1:r1=0)', states: 3 });
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'docs/summary.schema.json'), 'utf8')));
    expect(validate(summary), JSON.stringify(validate.errors)).toBe(true);
  });

  it('a form outside the subset is a diagnostic with file:line:col and a caret, exit 2', () => {
    const path = litmusFile('C W\n{}\nP0(int *x)\n{\n\twhile (1) { }\n}\nexists (x=1)\n');
    const r = run(['check', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t\.litmus:5:2: error: 'while' is not supported/);
    expect(r.stderr).toMatch(/\n5 \| \s*while \(1\) \{ \}\n {2}\| {2}\^/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('the unordered atomics translate (atomic_add takes the operand first, as in the kernel)', () => {
    // One process: v = 0 + 1 + 2 - 1 at the end, in every run (by hand).
    const path = litmusFile(
      'C A\n{}\nP0(atomic_t *v)\n{\n  atomic_inc(v);\n  atomic_add(2, v);\n  smp_mb__after_atomic();\n  atomic_dec(v);\n}\nexists (v=2)\n',
    );
    const r = run(['check', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Observation A Always/);
  });

  // MP with atomic_add_unless(v, 1, U) between P0's stores, v = 0. U = 5: it adds (0:r0 = 1,
  // v = 1) and is fully ordered, so x = 1 reaches memory before y = 1 everywhere: Never.
  // U = 0: it does not add (0:r0 = 0, v = 0) and is a plain read under arm, so the stores may
  // reach memory in either order: Sometimes under arm; under sc and tso the stores stay in
  // order: Never. By hand from docs/memory-models.md (O1, O2).
  const addUnless = (u: number) =>
    litmusFile(
      `C AU\n{\n\tatomic_t v;\n}\nP0(int *x, int *y, atomic_t *v)\n{\n\tint r0;\n\tWRITE_ONCE(*x, 1);\n\tr0 = atomic_add_unless(v, 1, ${u});\n\tWRITE_ONCE(*y, 1);\n}\nP1(int *x, int *y)\n{\n\tint r1;\n\tint r2;\n\tr1 = READ_ONCE(*y);\n\tsmp_rmb();\n\tr2 = READ_ONCE(*x);\n}\nlocations [0:r0; v;]\nexists (1:r1=1 /\\ 1:r2=0)\n`,
    );
  it('atomic_add_unless: returns whether it added; ordered only when it adds', async () => {
    for (const m of ['sc', 'tso', 'arm'] as const) {
      const adds = await answer(addUnless(5), m);
      expect(adds.observation).toBe('Never');
      for (const f of adds.finalStates) expect(f).toMatch(/^0:r0=1; .*v=1;/);
      const fails = await answer(addUnless(0), m);
      expect(fails.observation).toBe(m === 'arm' ? 'Sometimes' : 'Never');
      for (const f of fails.finalStates) expect(f).toMatch(/^0:r0=0; .*v=0;/);
    }
  });

  // spin_trylock(l) while P0 holds l fails (0:r0 = 0 in every run); after spin_unlock it
  // succeeds (0:r1 = 1). By hand: one process, no other lock holder.
  it('spin_trylock returns 1 when it takes the lock and 0 when the lock is held', async () => {
    const path = litmusFile(
      'C TL\n{\n\tspinlock_t l;\n}\nP0(spinlock_t *l)\n{\n\tint r0;\n\tint r1;\n\tspin_lock(l);\n\tr0 = spin_trylock(l);\n\tspin_unlock(l);\n\tr1 = spin_trylock(l);\n}\nforall (0:r0=0 /\\ 0:r1=1)\n',
    );
    for (const m of ['sc', 'tso', 'arm'] as const) expect(await answer(path, m)).toMatchObject({ observation: 'Always', states: 1 });
  });

  it('a test in another architecture, a bad condition and a missing file are diagnostics too', () => {
    expect(run(['check', litmusFile('X86 SB\n{}\n P0 | P1 ;\n')]).stderr).toMatch(/:1:1: error: only C litmus tests/);
    const bad = run(['check', litmusFile('C T\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (2:r0=1)\n')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/:4:9: error: the test has no process P2/);
    expect(run(['check', '/nonexistent/T.litmus']).code).toBe(2);
  });
});

describe('mmucheck test with .litmus specs', () => {
  it('judges observations, counts skipped checks, and exits 1 on a missed observation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmucheck-litmus-spec-'));
    const spec = (checks: unknown[]) => JSON.stringify({ model: MP, checks });
    writeFileSync(
      join(dir, 'good.json'),
      spec([
        { name: 'tso', memory: 'tso', expect: { observation: 'Never', states: 3 } },
        { name: 'arm', memory: 'arm', skip: 'for the test', expect: { observation: 'Never' } },
      ]),
    );
    const ok = run(['test', dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok {3}.* › tso {2}Observation Never/);
    expect(ok.stdout).toMatch(/^skip .* › arm {2}for the test$/m);
    expect(ok.stdout).toMatch(/^1 passed, 0 failed, 1 skipped$/m);
    writeFileSync(join(dir, 'good.json'), spec([{ name: 'arm', memory: 'arm', expect: { observation: 'Never' } }]));
    const missed = run(['test', dir]);
    expect(missed.code).toBe(1);
    expect(missed.stdout).toMatch(/expected Observation Never, found Sometimes/);
  });

  it('every spec of specs/lkmm conforms to the spec schema', () => {
    const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(readFileSync(join(ROOT, 'specs/spec.schema.json'), 'utf8')));
    const dir = join(ROOT, 'specs', 'lkmm');
    for (const f of readdirSync(dir)) {
      const s = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      expect(validate(s), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
});
