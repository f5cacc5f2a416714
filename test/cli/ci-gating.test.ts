// Issue 6 through the real binary: schemas validated against real output, trace dumps in
// every format and their round trip through `mmucheck trace`, corrupt input, simulate's
// determinism, the models list, JUnit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { unpack } from 'msgpackr';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const BBM = 'models/examples/bbm-leaf-mini.mmu';
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const tmp = () => mkdtempSync(join(tmpdir(), 'mmucheck-ci-'));
const ajv = new Ajv2020({ allErrors: true });

describe('schemas, validated against real output', () => {
  it('every spec in specs/ and the test fixtures conforms to specs/spec.schema.json', () => {
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'specs/spec.schema.json'), 'utf8')));
    const files = [
      ...readdirSync(join(ROOT, 'specs'))
        .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
        .map((f) => join(ROOT, 'specs', f)),
      join(ROOT, 'test/fixtures/specs-good/examples.json'),
    ];
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const f of files) expect({ f, ok: validate(JSON.parse(readFileSync(f, 'utf8'))), errors: validate.errors }).toMatchObject({ ok: true });
    expect(validate({ model: 'x.mmu', checks: [{ name: 'a', expect: { verdict: 'maybe' } }] })).toBe(false);
  });

  it('the --json summary of a pass, a violation and an incomplete run conforms to docs/summary.schema.json', () => {
    const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'docs/summary.schema.json'), 'utf8')));
    for (const args of [[BBM], [BBM, '--const', 'BREAK=Plain'], ['models/examples/token-pool.mmu', '--max-states', '100'], [BBM, '--exact']]) {
      const o = JSON.parse(run(['check', ...args, '--json']).stdout);
      expect({ args, ok: validate(o), errors: validate.errors }).toMatchObject({ ok: true });
    }
  });
});

describe('trace dumps and mmucheck trace', () => {
  const plain = ['check', BBM, '--const', 'BREAK=Plain'];

  it('round trip: check -> json and msgpack -> trace gives the same steps and states', () => {
    const dir = tmp();
    expect(run([...plain, '--trace', 'json', '--trace-out', join(dir, 't.json')]).code).toBe(1);
    expect(run([...plain, '--trace', 'msgpack', '--trace-out', join(dir, 't.mp')]).code).toBe(1);
    const doc = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(doc).toMatchObject({
      format: 'mmucheck-trace',
      model: { name: 'bbm_leaf_mini', file: BBM },
      constants: { CPUS: 2, BREAK: 'Plain' },
      memory: 'sc',
      violation: { kind: 'invariant', property: 'one_owner', depth: 12 },
    });
    expect(doc.model.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.steps).toHaveLength(12);
    expect(unpack(readFileSync(join(dir, 't.mp')))).toEqual(doc);
    for (const f of ['t.json', 't.mp']) {
      const back = run(['trace', join(dir, f), '--format', 'json', '--model', BBM]); // a trace names its model's file; it is not opened (issue 16)
      expect({ f, code: back.code, stderr: back.stderr }).toEqual({ f, code: 0, stderr: '' });
      const again = JSON.parse(back.stdout);
      expect(again.steps).toEqual(doc.steps);
      expect(again.initial).toEqual(doc.initial);
    }
    const table = run(['trace', join(dir, 't.json'), '--format', 'table', '--model', BBM]).stdout;
    // The replayed trace prints exactly the table that check printed.
    expect(run([...plain, '--trace', 'table']).stdout).toContain(table.trimEnd());
    expect(table).toMatch(/violated: invariant one_owner \(owners <= 1\) is false after step 12/);
  });

  it('itf follows the Informal Trace Format: #meta, vars, states, #bigint and #map values', () => {
    const itf = JSON.parse(run([...plain, '--trace', 'itf']).stdout);
    expect(itf['#meta']).toMatchObject({ format: 'ITF' });
    expect(itf.vars).toEqual(['pte', 'tlb', 'owners', 'walker', 'fault']);
    expect(itf.states).toHaveLength(13);
    expect(itf.states[0]).toMatchObject({ '#meta': { index: 0 }, pte: 'MapA', owners: { '#bigint': '0' } });
    // Program counters are labels: the line of the next statement (and the labels there).
    expect(itf.states[0].fault['#map'][0][1].pc).toMatch(/^line \d+/);
    expect(itf.states[0].tlb).toEqual({
      '#map': [
        [{ '#bigint': '0' }, 'Invalid'],
        [{ '#bigint': '1' }, 'Invalid'],
      ],
    });
    expect(itf.states[12].owners).toEqual({ '#bigint': '2' });
  });

  it('a trace that no longer replays says at which step and why, and exits 1', () => {
    const dir = tmp();
    run([...plain, '--trace', 'json', '--trace-out', join(dir, 't.json')]);
    const changed = readFileSync(join(ROOT, BBM), 'utf8').replace('owners = owners + 1;', 'owners = owners + 0;');
    writeFileSync(join(dir, 'changed.mmu'), changed);
    const r = run(['trace', join(dir, 't.json'), '--model', join(dir, 'changed.mmu')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the trace no longer holds .* \(at step 7\): no step .* leads to the recorded state: .*owners is 0 where the trace has 1/);
    expect(r.stdout).toBe('');
  });

  it('an empty, truncated or foreign trace file is exit 2 with the reason', () => {
    const dir = tmp();
    run([...plain, '--trace', 'json', '--trace-out', join(dir, 't.json')]);
    run([...plain, '--trace', 'msgpack', '--trace-out', join(dir, 't.mp')]);
    writeFileSync(join(dir, 'empty'), '');
    writeFileSync(join(dir, 'cut.json'), readFileSync(join(dir, 't.json')).subarray(0, 200));
    writeFileSync(join(dir, 'cut.mp'), readFileSync(join(dir, 't.mp')).subarray(0, 100));
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    for (const [f, why] of [
      ['empty', /empty/],
      ['cut.json', /not valid JSON.*truncated/],
      ['cut.mp', /msgpack.*truncated/],
      ['other.json', /not an mmucheck trace/],
      ['missing', /no such file/],
    ] as const) {
      const r = run(['trace', join(dir, f)]);
      expect({ f, code: r.code }).toEqual({ f, code: 2 });
      expect(r.stderr).toMatch(why);
    }
    // An ITF file without the states it needs is named as such.
    writeFileSync(join(dir, 'empty.itf.json'), '{"#meta": {"format": "ITF"}, "vars": [], "states": []}');
    expect(run(['trace', join(dir, 'empty.itf.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/ITF: 'states' is not a non-empty list/) });
  });

  it('--trace msgpack needs --trace-out', () => {
    expect(run([...plain, '--trace', 'msgpack']).code).toBe(2);
  });
});

describe('mmucheck simulate', () => {
  it('the same seed gives the same walk; a violation gives a trace and exit 1', () => {
    const args = ['simulate', BBM, '--const', 'BREAK=Plain', '--steps', '60', '--runs', '30', '--seed', '11', '--trace', 'json'];
    const a = run(args);
    const b = run(args);
    expect(a.code).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    const doc = JSON.parse(a.stdout.slice(a.stdout.indexOf('{')));
    expect(doc).toMatchObject({ origin: { command: 'simulate', seed: 11 }, violation: { property: 'one_owner' } });
    // A simulation trace replays like any other.
    const dir = tmp();
    run([...args, '--trace-out', join(dir, 's.json')]);
    expect(run(['trace', join(dir, 's.json'), '--model', BBM]).code).toBe(0);
  });

  it('finding nothing is exit 0 and says it is not a proof', () => {
    const r = run(['simulate', BBM, '--steps', '40', '--runs', '5', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/no violation in 5 random walks .*not a proof/);
  });
});

describe('mmucheck models and test --junit', () => {
  it('lists every bundled model with its description, constants and variants', () => {
    const list = JSON.parse(run(['models', '--json']).stdout);
    const files = readdirSync(join(ROOT, 'models'))
      .filter((f) => f.endsWith('.mmu'))
      .map((f) => `models/${f}`);
    for (const f of files) expect(list.map((m: { file: string }) => m.file)).toContain(f);
    const bbm = list.find((m: { file: string }) => m.file === BBM);
    expect(bbm.constants).toContainEqual({ name: 'BREAK', default: 'Cmpxchg', variants: ['Plain', 'Cmpxchg'] });
    expect(bbm.description.length).toBeGreaterThan(10);
  });

  it('writes JUnit XML with a failure (reason and counterexample) per missed check', () => {
    const file = join(tmp(), 'junit.xml');
    const r = run(['test', 'test/fixtures/specs-bad/mixed.json', '--junit', file]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').pop()).toBe('1 passed, 2 failed');
    const xml = readFileSync(file, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="mmucheck" tests="3" failures="2" errors="0"/);
    expect(xml).toMatch(/<failure message="expected depth 11, found 12" type="expectation">expected depth 11, found 12\n # {2}fault\[0\]/);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
  });
});
