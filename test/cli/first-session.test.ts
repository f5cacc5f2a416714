// What a first session with the installed tool runs into (issue 14): bundled models by name
// from any folder, usage errors, one error style, --quiet, colour detection, the header
// printed before the search, and traces that do not depend on the folder they came from.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const BBM = join(ROOT, 'models/examples/bbm-leaf-mini.mmu');
const tmp = () => mkdtempSync(join(tmpdir(), 'mmucheck-first-'));

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === '') delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bundled models and specs by name, from any folder', () => {
  it('mmucheck models lists every bundled model by the name check takes', () => {
    const r = run(['models'], { cwd: tmp() });
    expect(r.code).toBe(0);
    const names = [...readdirSync(join(ROOT, 'models')), ...readdirSync(join(ROOT, 'models/examples'))]
      .filter((f) => f.endsWith('.mmu'))
      .map((f) => f.slice(0, -4));
    expect(new Set(names).size).toBe(names.length); // the names are unambiguous
    for (const n of names) expect(r.stdout).toMatch(new RegExp(`^${n}  \\S`, 'm'));
    expect(r.stdout).toMatch(/check one by name from any folder: mmucheck check bbm-stage2-leaf/);
    const json = JSON.parse(run(['models', '--json'], { cwd: tmp() }).stdout);
    expect(json.find((m: { name: string }) => m.name === 'peterson')).toMatchObject({ file: 'models/examples/peterson.mmu', model: 'peterson' });
  });

  it('check, simulate and compile take a bundled model by name', () => {
    const cwd = tmp();
    const c = run(['check', 'bbm-stage2-leaf'], { cwd });
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/^mmucheck: bbm_stage2_leaf \(/);
    expect(c.stdout).toMatch(/^pass: /m);
    expect(run(['check', 'bbm-leaf-mini', '--const', 'BREAK=Plain', '--quiet'], { cwd }).code).toBe(1);
    expect(run(['simulate', 'peterson', '--steps', '50', '--runs', '20'], { cwd }).code).toBe(0);
    expect(run(['compile', 'peterson'], { cwd }).stdout).toMatch(/program points/);
  });

  it('a file of that name in the folder wins; an unknown name is a missing file (exit 2)', () => {
    const cwd = tmp();
    const r = run(['check', 'no-such-model'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read no-such-model: no such file/);
    copyFileSync(join(ROOT, 'models/examples/philosophers.mmu'), join(cwd, 'peterson'));
    expect(run(['check', 'peterson', '--const', 'ORDER=Naive', '--quiet'], { cwd }).stdout).toMatch(/deadlock/);
  });

  it('mmucheck test runs a bundled spec by name, and the bundled folder of specs', () => {
    const cwd = tmp();
    const r = run(['test', 'bbm-stage2-leaf'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok +\S*specs\/bbm-stage2-leaf\.json › /m);
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^\d+ passed, 0 failed$/);
  });
});

describe('usage and error style', () => {
  it('mmucheck without arguments prints the usage on stderr and exits 2; help exits 0 on stdout', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Usage: mmucheck \[options\] \[command\]/);
    for (const args of [['help'], ['--help'], ['help', 'check'], ['check', '--help']]) {
      const h = run(args);
      expect({ args, code: h.code, stderr: h.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(h.stdout).toMatch(/^Usage: mmucheck/);
    }
  });

  it('every usage error is `mmucheck: error: ...`, with no trailing error count for one error', () => {
    for (const args of [['--bogus'], ['check'], ['check', BBM, '--memory', 'x86'], ['check', BBM, '--workers', '0'], ['check', BBM, '--const', 'NOPE=1']]) {
      const r = run(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(/^mmucheck: error: /);
      expect(r.stderr).not.toMatch(/^\d+ errors?$/m);
    }
  });

  it('option choices are validated by commander and listed in the help', () => {
    const r = run(['check', BBM, '--memory', 'x86']);
    expect(r.stderr).toMatch(/argument 'x86' is invalid\. Allowed choices are sc, tso, arm/);
    const help = run(['check', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--memory <model> .*\(choices: "sc", "tso", "arm", "all", default: "sc"\)/); // all: for a .litmus test
    expect(help).toMatch(/--trace <format> .*\(choices: "table", "text", "json", "itf", "msgpack"/);
    expect(run(['trace', 'x.json', '--format', 'yaml']).stderr).toMatch(/Allowed choices are table, text, json, itf/);
    expect(run(['compile', BBM, '--emit', 'c']).stderr).toMatch(/Allowed choices are ir, js, dot/);
  });
});

describe('what a run prints', () => {
  it('--quiet prints only the verdict line', () => {
    const r = run(['check', BBM, '--const', 'BREAK=Plain', '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('violation: invariant one_owner, found at depth 12\n');
    expect(r.stderr).toBe('');
    expect(run(['check', BBM, '--quiet']).stdout).toMatch(/^pass: [^\n]*\n$/);
  });

  it('colour follows --color/--no-color, then NO_COLOR, then FORCE_COLOR and the terminal', () => {
    const esc = /\x1b\[/;
    expect(run(['check', BBM]).stdout).not.toMatch(esc); // a pipe
    expect(run(['check', BBM], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(esc);
    expect(run(['check', BBM], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(esc);
    expect(run(['check', BBM, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(esc);
    expect(run(['check', BBM, '--color'], { env: { FORCE_COLOR: '0' } }).stdout).toMatch(esc);
  });

  it('the header comes first, before the search, and the progress line gives the elapsed time', () => {
    // A search stopped by a time limit: progress off a terminal is a line every few seconds.
    const r = run(['check', join(ROOT, 'models/examples/token-pool.mmu'), '--const', 'P=6', '--time-limit', '8', '--workers', '1']);
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe('mmucheck: token_pool (P=6, T=3), memory sc, 1 worker');
    expect(r.stdout.match(/^mmucheck: /gm)).toHaveLength(1);
    expect(r.stderr).toMatch(/^mmucheck: \d+ s, depth \d+, [\d,]+ states, /m);
  });
});

describe('saved traces', () => {
  it('a trace read from another folder, of an unchanged model, does not claim the model changed', () => {
    const dir = tmp();
    const models = join(dir, 'models');
    mkdirSync(models);
    copyFileSync(BBM, join(models, 'bbm.mmu'));
    const file = join(dir, 't.json');
    expect(run(['check', 'models/bbm.mmu', '--const', 'BREAK=Plain', '--trace', 'json', '--trace-out', file], { cwd: dir }).code).toBe(1);
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const r = run(['trace', file, '--model', join(models, 'bbm.mmu')], { cwd: elsewhere });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/"sourceSha256": ?"[0-9a-f]{64}"/);
  });
});

describe('mmucheck simulate', () => {
  const plain = ['simulate', BBM, '--const', 'BREAK=Plain'];

  it('keeps starting walks after one ends, until a violation', () => {
    // With seed 7 the first two walks end (every handler done) without the bug; the third finds it.
    const r = run([...plain, '--steps', '2000', '--seed', '7']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^violation: invariant one_owner, found in walk 3 at step \d+/m);
  });

  it('without --seed picks one and prints it; that seed repeats the walks', () => {
    const a = run([...plain, '--runs', '50', '--steps', '100']);
    const seed = /seed (\d+) \(the same --seed/.exec(a.stdout)?.[1];
    expect(seed).toBeDefined();
    const b = run([...plain, '--runs', '50', '--steps', '100', '--seed', seed!]);
    expect(b.stdout).toBe(a.stdout);
  });

  it('stops at --runs or at --time-limit, with exit 0 and the number of walks', () => {
    const r = run(['simulate', BBM, '--runs', '7', '--steps', '30', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no violation in 7 random walks \(210 steps\): this is not a proof/);
    const t = run(['simulate', BBM, '--time-limit', '0.5', '--steps', '30', '--seed', '1']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/no violation in [\d,]+ random walks? in 0\.5 s/);
  });

  it('prints progress like check while it runs', () => {
    const r = run(['simulate', BBM, '--time-limit', '8', '--steps', '30', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(
      /^mmucheck: bbm_leaf_mini \(CPUS=2, BREAK=Cmpxchg\), memory sc, simulation: walks of up to 30 steps for 8 s, seed 1$/,
    );
    expect(r.stderr).toMatch(/^mmucheck: \d+ s, [\d,]+ walks, [\d,]+ steps, /m);
  });
});

describe('JSON of simulate and test, validated against their schemas', () => {
  const ajv = new Ajv2020({ allErrors: true });
  const schema = (f: string) => ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs', f), 'utf8')));

  it('simulate --json conforms to docs/simulate.schema.json', () => {
    const validate = schema('simulate.schema.json');
    for (const args of [
      ['--runs', '3', '--steps', '20'],
      ['--const', 'BREAK=Plain', '--steps', '200'],
      ['--time-limit', '0.2'],
    ]) {
      const r = run(['simulate', BBM, '--seed', '5', '--json', ...args]);
      const o = JSON.parse(r.stdout);
      expect({ args, ok: validate(o), errors: validate.errors }).toMatchObject({ ok: true });
    }
  });

  it('test --json conforms to docs/test.schema.json', () => {
    const validate = schema('test.schema.json');
    const r = run(['test', 'test/fixtures/specs-bad/mixed.json', 'test/fixtures/specs-bad/truncated.json', 'test/fixtures/specs-good', '--json']);
    const o = JSON.parse(r.stdout);
    expect(o.checks.length).toBeGreaterThanOrEqual(5);
    expect({ ok: validate(o), errors: validate.errors }).toMatchObject({ ok: true });
  });
});
