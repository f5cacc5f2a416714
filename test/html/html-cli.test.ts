// The html format through the command line, without a browser: the options, the page as a
// file (self-contained, no network), `trace --format html` against `check --trace html`, and
// the page script's own logic.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { moveSelection, statesOf, stepFromHash } from '../../src/report/html-script.ts';
import type { HtmlTrace } from '../../src/report/html-data.ts';
import { mmucheck } from './pages.ts';

const dir = mkdtempSync(join(tmpdir(), 'mmucheck-html-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BBM = ['models/bbm-stage2-leaf.mmu', '--const', 'BREAK=PlainStore', '--workers', '1'];

describe('--trace html', () => {
  it('needs --trace-out: a page is a file (exit 2, before any search)', () => {
    const r = mmucheck(['check', ...BBM, '--trace', 'html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--trace html writes a page: give it a file with --trace-out FILE.html');
    const s = mmucheck(['simulate', ...BBM, '--trace', 'html']);
    expect(s.code).toBe(2);
  });

  it('writes one self-contained page: inline script and style, nothing loaded from anywhere', () => {
    const file = join(dir, 'cex.html');
    const r = mmucheck(['check', ...BBM, '--trace', 'html', '--trace-out', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`counterexample written to ${file} (html)`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\bsrc=|\bhref=|https?:\/\//);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`);
    expect(html).toContain('<th class="lane">walker[1]</th>');
    // The statements and the steps are in the HTML itself, not only in the script's data.
    expect(html.match(/<tr data-step="\d+" class="step/g)?.length).toBe(6);
  });

  it('simulate writes the same kind of page', () => {
    const file = join(dir, 'sim.html');
    const r = mmucheck(['simulate', ...BBM.slice(0, 3), '--steps', '50', '--runs', '200', '--seed', '3', '--trace', 'html', '--trace-out', file]);
    expect(r.code).toBe(1);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('found by simulate (seed 3');
  });

  it('mmucheck trace FILE --format html prints the page check wrote, from a saved json or msgpack trace', () => {
    const page = join(dir, 'direct.html');
    expect(mmucheck(['check', ...BBM, '--trace', 'html', '--trace-out', page]).code).toBe(1);
    for (const format of ['json', 'msgpack']) {
      const saved = join(dir, `cex.${format}`);
      expect(mmucheck(['check', ...BBM, '--trace', format, '--trace-out', saved]).code).toBe(1);
      const r = mmucheck(['trace', saved, '--format', 'html', '--model', BBM[0]]); // a trace never opens the path it records
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(page, 'utf8'));
    }
  });

  it('escapes what the model writes: no statement or name can end the script or add markup', () => {
    const model = join(dir, 'weird.mmu');
    writeFileSync(
      model,
      `model weird;
shared x: 0..3 = 0;
process p {
  x = 1; // </script><b>not markup</b>
  assert x == 0, "</script><script>alert(1)</script>";
}
`,
    );
    const file = join(dir, 'weird.html');
    const r = mmucheck(['check', model, '--trace', 'html', '--trace-out', file]);
    expect(r.code, r.stderr).toBe(1);
    const html = readFileSync(file, 'utf8');
    expect(html.match(/<script/g)?.length).toBe(3); // the error reporter, the data, the page script
    expect(html).not.toContain('<script>alert(1)');
  });
});

describe('test --trace-dir', () => {
  it('refuses a non-empty folder without --force, and a file (exit 2, before any check runs)', () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'old.html'), '');
    const r = mmucheck(['test', 'specs/bbm-stage2-leaf.json', '--trace-dir', full]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--trace-dir: ${full} is not empty; pass --force to write pages into it anyway`);
    expect(r.stdout).toBe('');
    const f = mmucheck(['test', 'specs/bbm-stage2-leaf.json', '--trace-dir', join(full, 'old.html')]);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('is a file, not a folder');
  });
});

describe('the page script', () => {
  const data = {
    initial: { x: '0', y: '0' },
    steps: [
      { changes: { x: '1' }, failing: false },
      { changes: { y: '2' }, failing: false },
      { changes: {}, failing: true },
    ],
  } as unknown as HtmlTrace;

  it('folds the changes into the state after each step (a failing step keeps the state before it)', () => {
    expect(statesOf(data)).toEqual([
      { x: '0', y: '0' },
      { x: '1', y: '0' },
      { x: '1', y: '2' },
      { x: '1', y: '2' },
    ]);
  });

  it('moves the selection within 0..steps, and ignores other keys', () => {
    expect(moveSelection('ArrowDown', 3, 3)).toBe(3);
    expect(moveSelection('j', 1, 3)).toBe(2);
    expect(moveSelection('ArrowUp', 0, 3)).toBe(0);
    expect(moveSelection('k', 2, 3)).toBe(1);
    expect(moveSelection('Home', 2, 3)).toBe(0);
    expect(moveSelection('End', 0, 3)).toBe(3);
    expect(moveSelection('x', 1, 3)).toBeNull();
  });

  it('opens at #step=N, clamped, and at the last step otherwise', () => {
    expect(stepFromHash('#step=2', 6)).toBe(2);
    expect(stepFromHash('#step=0', 6)).toBe(0);
    expect(stepFromHash('#step=99', 6)).toBe(6);
    expect(stepFromHash('', 6)).toBe(6);
    expect(stepFromHash('#steps=2', 6)).toBe(6);
  });
});
