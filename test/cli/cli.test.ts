// The command line as a user and a CI job meet it: exit codes, messages, --json, files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const BBM = 'models/examples/bbm-leaf-mini.mmu';

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '0', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mmucheck check', () => {
  it('passes the fixed example with exit 0 and says so', () => {
    const r = run(['check', BBM]);
    expect(r.code).toBe(0);
    // Without --workers: one thread, and every core once the search is large (docs/engine.md).
    const workers = availableParallelism() > 1 ? `1 worker \\(${availableParallelism()} past 3 s and 1,000,000 states\\)` : '1 worker';
    expect(r.stdout).toMatch(new RegExp(`^mmucheck: bbm_leaf_mini \\(CPUS=2, BREAK=Cmpxchg\\), memory sc, ${workers}$`, 'm'));
    expect(r.stdout).toMatch(/^pass: /m);
    expect(r.stdout).toMatch(/distinct states, .* transitions, max depth \d+/);
    expect(r.stdout).toMatch(/fingerprint collision probability/);
  });

  it('finds the plain-store bug with exit 1 and prints the interleaving table', () => {
    const r = run(['check', BBM, '--const', 'BREAK=Plain', '--trace', 'table']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/violation: invariant one_owner, found at depth 12/);
    expect(r.stdout).toMatch(/#\s+fault\[0\]\s+fault\[1\]\s+changes/);
    expect(r.stdout).toMatch(/violated: invariant one_owner \(owners <= 1\)/);
  });

  it('--json prints exactly one object with the documented fields', () => {
    const r = run(['check', BBM, '--const', 'BREAK=Plain', '--json']);
    expect(r.code).toBe(1);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({
      tool: 'mmucheck',
      model: 'bbm_leaf_mini',
      constants: { CPUS: 2, BREAK: 'Plain' },
      memory: 'sc',
      workers: 1, // the default: a small model never starts a thread
      verdict: 'violation',
      violation: { kind: 'invariant', property: 'one_owner', depth: 12 },
    });
    for (const k of ['version', 'states', 'transitions', 'maxDepth', 'durationMs', 'statesPerSecond', 'peakMemoryBytes', 'collisionProbability'])
      expect(o).toHaveProperty(k);
    expect(r.stderr).toMatch(/owners = owners \+ 1/); // the trace goes to stderr
    const three = JSON.parse(run(['check', BBM, '--const', 'BREAK=Plain', '--json', '--workers', '3']).stdout);
    expect(three.workers).toBe(Math.min(3, availableParallelism())); // capped at the cores available
    expect({ ...three, durationMs: 0, statesPerSecond: 0, peakMemoryBytes: 0, workers: 0 }).toEqual({
      ...o,
      durationMs: 0,
      statesPerSecond: 0,
      peakMemoryBytes: 0,
      workers: 0,
    });
  });

  it('a model error exits 2 with file:line:col, the source line and a caret, and no stack trace', () => {
    const r = run(['check', 'test/goldens/diagnostics/name-and-type-errors.mmu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/name-and-type-errors\.mmu:8:11: error: unknown name 'missing'/);
    expect(r.stderr).toMatch(/\|\s+\^~+/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('an unknown --const, or a value of the wrong type, exits 2 listing the valid names', () => {
    const a = run(['check', BBM, '--const', 'CPU=3']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown constant 'CPU'/);
    expect(a.stderr).toMatch(/constants are: CPUS, BREAK/);
    const b = run(['check', BBM, '--const', 'BREAK=Maybe']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/BREAK' takes a member of Break \(Plain, Cmpxchg\)/);
    const c = run(['check', BBM, '--const', 'CPUS=two']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/takes an integer/);
  });

  it('bad options and unknown commands exit 2', () => {
    expect(run(['check', BBM, '--max-states', 'lots']).code).toBe(2);
    expect(run(['check', BBM, '--trace', 'html']).code).toBe(2);
    expect(run(['check', BBM, '--invariant', 'nope']).stderr).toMatch(/its invariants are: one_owner, no_stale_entry/);
    expect(run(['chekc', BBM]).code).toBe(2);
    expect(run(['check', 'models/examples/missing.mmu']).stderr).toMatch(/cannot read .*missing\.mmu: no such file/);
  });

  it('a state limit stops the search with exit 3, verdict incomplete and the numbers so far', () => {
    const r = run(['check', 'models/examples/token-pool.mmu', '--max-states', '2000', '--json']);
    expect(r.code).toBe(3);
    const o = JSON.parse(r.stdout);
    expect(o.verdict).toBe('incomplete');
    expect(o.stopReason).toBe('max-states');
    expect(o.states).toBeGreaterThanOrEqual(2000);
  });

  it('a time limit stops the search with exit 3 and still prints the summary', () => {
    const r = run(['check', 'models/examples/token-pool.mmu', '--const', 'P=6', '--time-limit', '0.5']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/incomplete: the time limit \(--time-limit\) was reached/);
    expect(r.stdout).toMatch(/distinct states/);
  });

  it('Ctrl-C stops the search with exit 130 and prints what was found', async () => {
    const child = spawn(process.execPath, [BIN, 'check', 'models/examples/token-pool.mmu', '--const', 'P=6'], { cwd: ROOT });
    let stdout = '';
    // Interrupt once the search is running: the header is printed just before it starts.
    const started = new Promise<void>((r) =>
      child.stdout.on('data', (d) => {
        stdout += d;
        if (/^mmucheck: token_pool/m.test(stdout)) r();
      }),
    );
    await started;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(130);
    expect(stdout).toMatch(/incomplete: interrupted/);
    expect(stdout).toMatch(/distinct states/);
  }, 600_000);

  it('--invariant checks only the named invariants', () => {
    const r = run(['check', BBM, '--const', 'BREAK=Plain', '--invariant', 'no_stale_entry', '--json']);
    expect(JSON.parse(r.stdout).verdict).toBe('pass');
  });

  it('--no-deadlock lets the deadlocking philosophers pass', () => {
    expect(run(['check', 'models/examples/philosophers.mmu', '--const', 'ORDER=Naive']).code).toBe(1);
    expect(run(['check', 'models/examples/philosophers.mmu', '--const', 'ORDER=Naive', '--no-deadlock']).code).toBe(0);
  });

  it('--trace-out writes the counterexample and will not overwrite a file unless --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmucheck-'));
    const file = join(dir, 'cex.txt');
    expect(run(['check', BBM, '--const', 'BREAK=Plain', '--trace-out', file, '--trace', 'text']).code).toBe(1);
    expect(readFileSync(file, 'utf8')).toMatch(/^step 12: fault\[\d\], line \d+: owners = owners \+ 1;/m);
    writeFileSync(file, 'mine');
    const again = run(['check', BBM, '--const', 'BREAK=Plain', '--trace-out', file]);
    expect(again.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(run(['check', BBM, '--const', 'BREAK=Plain', '--trace-out', file, '--force']).code).toBe(1);
    expect(existsSync(file) && readFileSync(file, 'utf8')).toMatch(/owners/);
  });

  it('colour only when asked on a pipe, and never with NO_COLOR', () => {
    expect(run(['check', BBM]).stdout).not.toMatch(/\x1b\[/);
    expect(run(['check', BBM, '--color']).stdout).toMatch(/\x1b\[/);
    expect(run(['check', BBM], { NO_COLOR: '1' }).stdout).not.toMatch(/\x1b\[/);
  });
});

describe('mmucheck test', () => {
  it('passes when every check meets its expectation: one line per check and the closing count', () => {
    const r = run(['test', 'test/fixtures/specs-good']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok +test\/fixtures\/specs-good\/examples\.json › cmpxchg break +pass, 348 states, [0-9.]+ s$/m);
    expect(r.stdout).toMatch(/› naive order deadlocks +violation deadlock at depth 3/);
    expect(r.stdout.trim().split('\n').pop()).toBe('4 passed, 0 failed');
  });

  it('exits 1 when a check misses its expectation, saying how', () => {
    const r = run(['test', 'test/fixtures/specs-bad/mixed.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/expected 347 states, found 348/);
    expect(r.stdout).toMatch(/expected depth 11, found 12/);
    expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 2 failed');
  });

  it('reports unusable specs as failed checks, runs the others, and exits 2', () => {
    const r = run(['test', 'test/fixtures/specs-bad/unusable.json', 'test/fixtures/specs-bad/missing-model.json', 'test/fixtures/specs-bad/truncated.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/unknown constant 'CPU'/);
    expect(r.stdout).toMatch(/^ok +.* › fine/m);
    expect(r.stdout).toMatch(/cannot read .*nowhere\.mmu: no such file/);
    expect(r.stdout).toMatch(/truncated\.json: not valid JSON/);
    expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 3 failed');
  });
});

describe('mmucheck compile', () => {
  it('emits the automata, the generated code and Graphviz', () => {
    const ir = run(['compile', BBM, '--emit', 'ir']);
    expect(ir.code).toBe(0);
    expect(ir.stdout).toMatch(/instance fault\[0\]: \d+ program points/);
    const js = run(['compile', BBM, '--emit', 'js']);
    expect(js.stdout).toMatch(/function successors\(s, so, out\)/);
    const dot = run(['compile', BBM, '--emit', 'dot']);
    expect(dot.stdout).toMatch(/^digraph "bbm_leaf_mini" \{/);
  });
});

describe('errors and limits through the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmucheck-errors-'));
  const runaway = join(dir, 'runaway.mmu');
  writeFileSync(runaway, 'model runaway;\nshared x: 0..1;\nprocess p {\n  x = 1;\n  atomic { while (x == 1) { skip; } }\n}\n');

  for (const workers of ['1', '2']) {
    it(`a runaway atomic block is a model error at its statement: exit 2 (--workers ${workers})`, () => {
      const r = run(['check', runaway, '--workers', workers]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/runaway\.mmu:5:3: error: an atomic block ran more than 100,000 statements \(in p\)/);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    });

    it(`a memory limit and a state limit tripping together give the memory limit (--workers ${workers})`, () => {
      const r = run(['check', 'models/examples/token-pool.mmu', '--memory-limit', '1', '--max-states', '2', '--json', '--workers', workers]);
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stdout).stopReason).toBe('memory-limit');
    });
  }

  it('compile --emit js takes --memory and shows the step comments', () => {
    const r = run(['compile', BBM, '--emit', 'js', '--memory', 'arm']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s*\/\/ bbm-leaf-mini\.mmu:47 {2}old = READ_ONCE\(pte\);/m);
    expect(r.stdout).toMatch(/\$m\.settle\(ob, o\)/);
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(200);
  });
});
