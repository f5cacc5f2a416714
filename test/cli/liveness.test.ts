// Liveness through the command line: the verdict and its exit code, --json, --property and
// --no-liveness, a saved lasso replayed by `mmucheck trace`, and specs expecting one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const TAS = 'test/fixtures/liveness/tas.mmu';
const TICKET = 'test/fixtures/liveness/ticket.mmu';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('liveness on the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmucheck-live-'));

  it('a starving test-and-set waiter: exit 1, a lasso with its cycle marked, the same for 1 and 2 workers', () => {
    const one = run(['check', TAS, '--trace', 'table', '--workers', '1']);
    const two = run(['check', TAS, '--trace', 'table', '--workers', '2']);
    expect(one.code).toBe(1);
    expect(one.stdout).toMatch(/violation: property progress0 \(liveness\), a lasso: a stem of 0 steps, then a fair cycle of 3 steps/);
    expect(one.stdout).toMatch(/── cycle: steps 1-3 repeat for ever; fair units stepping: cpu\[1\] ──/);
    expect(one.stdout).toMatch(/── end of cycle: back to the state at the start ──/);
    const body = (s: string) =>
      s
        .split('\n')
        .filter((l) => !/ s, .*states\/s|peak memory|B\/state/.test(l))
        .join('\n');
    expect(body(two.stdout)).toBe(body(one.stdout));
  });

  it('--json: kind liveness, the stem as depth and the cycle length; a pass reports the liveness phase', () => {
    const v = JSON.parse(run(['check', TAS, '--json']).stdout);
    expect(v.violation).toMatchObject({ kind: 'liveness', property: 'progress0', depth: 0, cycle: 3 });
    const p = JSON.parse(run(['check', TICKET, '--json']).stdout);
    expect(p.verdict).toBe('pass');
    expect(p.liveness).toMatchObject({ properties: 2 });
  });

  it('--no-liveness skips the properties; --property checks only the named ones; an unknown name is exit 2', () => {
    expect(run(['check', TAS, '--no-liveness']).code).toBe(0);
    expect(run(['check', TICKET, '--property', 'leads', '--json']).stdout).toMatch(/"properties":1/);
    const bad = run(['check', TAS, '--property', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--property: the model has no property 'nope'/);
  });

  it('a saved lasso replays through `mmucheck trace`, and one whose cycle no longer closes is rejected', () => {
    const file = join(dir, 'tas.json');
    expect(run(['check', TAS, '--trace', 'json', '--trace-out', file]).code).toBe(1);
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    expect(doc.violation).toMatchObject({ kind: 'liveness', depth: 0, cycle: 3, cycleUnits: ['cpu[1]'] });
    const back = run(['trace', file, '--format', 'table', '--model', TAS]);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/── cycle: steps 1-3 repeat for ever/);
    // Cut the cycle's last step: the trace no longer returns to its start.
    doc.steps.pop();
    doc.violation.cycle = 2;
    const cut = join(dir, 'cut.json');
    writeFileSync(cut, JSON.stringify(doc));
    const r = run(['trace', cut, '--model', TAS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the cycle does not return to the state after step 0/);
  });

  it('a run that cannot afford the graph under --memory-limit stops with exit 3 and says why', () => {
    const r = run(['check', TICKET, '--memory-limit', '1']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/incomplete: the memory limit \(--memory-limit\) was reached; .*recording the graph the temporal properties need/);
  });

  it('a spec can expect a liveness violation, and JUnit reports it', () => {
    const spec = join(dir, 'live.json');
    writeFileSync(
      spec,
      JSON.stringify({
        model: join(ROOT, TAS),
        checks: [
          { name: 'starves', expect: { verdict: 'violation', kind: 'liveness', property: 'progress0', depth: 0 } },
          { name: 'wrong depth', expect: { verdict: 'violation', kind: 'liveness', property: 'progress0', depth: 1 } },
          { name: 'safety only', liveness: false, expect: { verdict: 'pass', states: 5 } },
        ],
      }),
    );
    const junit = join(dir, 'live.xml');
    const r = run(['test', spec, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ok {3}.*starves {2}violation progress0 at depth 0/);
    expect(r.stdout).toMatch(/FAIL .*wrong depth/);
    expect(r.stdout).toMatch(/2 passed, 1 failed/);
    expect(readFileSync(junit, 'utf8')).toMatch(/<failure message="expected depth 1, found 0"/);
  });
});
