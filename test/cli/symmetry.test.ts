// Symmetry on the command line: orbit counts, --no-symmetry, --json, a concrete
// counterexample that `mmucheck trace` replays, and the rules' diagnostics.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const FLIP = 'test/fixtures/symmetry/flip.mmu';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('symmetry on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmucheck-sym-'));

  it('counts orbits (6, by hand), every state with --no-symmetry (24), the same for 1 and 2 workers', () => {
    for (const w of ['1', '2']) {
      const o = JSON.parse(run(['check', FLIP, '--invariant', 'not_all', '--no-deadlock', '--const', 'CPUS=3', '--json', '--workers', w]).stdout);
      expect(o).toMatchObject({ verdict: 'violation', violation: { property: 'not_all', depth: 3 }, symmetry: { types: [{ name: 'Cpu', values: 3 }] } });
    }
    const src = readFileSync(join(ROOT, FLIP), 'utf8').replace(/^invariant.*\n/m, '');
    const noInv = join(dir, 'flip-pass.mmu');
    writeFileSync(noInv, src);
    expect(JSON.parse(run(['check', noInv, '--json']).stdout)).toMatchObject({ verdict: 'pass', states: 6 });
    expect(JSON.parse(run(['check', noInv, '--json', '--no-symmetry']).stdout)).toMatchObject({ verdict: 'pass', states: 24, symmetry: null });
    expect(run(['check', noInv]).stdout).toMatch(/symmetry: one state per orbit of Cpu \(3 interchangeable values\)/);
  });

  it('prints a concrete counterexample (real CPU numbers) that replays with `mmucheck trace`', () => {
    const file = join(dir, 'flip.json');
    const r = run(['check', FLIP, '--trace', 'json', '--trace-out', file, '--workers', '1']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.steps).toHaveLength(3);
    // Three different CPUs flip: the trace names them as the model does.
    expect(new Set(doc.steps.map((s: { process: string }) => s.process))).toEqual(new Set(['p[0]', 'p[1]', 'p[2]']));
    expect(run(['trace', file, '--model', FLIP]).code).toBe(0);
  });

  it('a rule broken is a diagnostic at its place, exit 2', () => {
    const bad = join(dir, 'bad.mmu');
    writeFileSync(bad, 'model bad;\nsymmetric type Cpu = 0..1;\nshared last: Cpu;\nprocess p(c: Cpu) {\n  if (c < last) { skip; }\n}\n');
    const r = run(['check', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.mmu:5:7: error: a value of symmetric type Cpu cannot be used in arithmetic or ordering \('<'\)/);
  });
});
