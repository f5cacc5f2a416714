// The docs cannot drift from the tool: every command shown in README.md and docs/*.md with its
// output (a fenced block that starts with `$ mmucheck ...` or `$ npx mmucheck ...`) is run,
// and what it prints must contain the block's lines in order, timings, memory sizes and
// worker counts aside. A line `...` in a block stands for any lines; a line ending in `...`
// for any end of line. Every other `npx mmucheck` command in a shell block must at least be
// accepted (no usage error). `UPDATE_DOCS=1 npx vitest run test/cli/docs.test.ts` rewrites
// the blocks that have no `...` from the real output; review the diff.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const UPDATE = process.env.UPDATE_DOCS === '1';

interface Shown {
  readonly doc: string;
  readonly dollar: string; // the `$` line as written
  readonly line: number; // of the `$` line, 1-based
  readonly command: string[];
  readonly expected: string[];
}

/** Splits a command line as a shell would for the simple words the docs use. */
const words = (cmd: string): string[] => cmd.trim().split(/\s+/);

function shownCommands(): { withOutput: Shown[]; bare: { doc: string; line: number; command: string[] }[] } {
  const withOutput: Shown[] = [];
  const bare: { doc: string; line: number; command: string[] }[] = [];
  for (const doc of DOCS) {
    const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/^```(sh)?$/.test(lines[i])) continue;
      let j = i + 1;
      while (j < lines.length && lines[j] !== '```') j++;
      const body = lines.slice(i + 1, j);
      const first = /^\$ (?:npx )?mmucheck (.*)$/.exec(body[0] ?? '');
      if (first) withOutput.push({ doc, dollar: body[0], line: i + 2, command: words(first[1]), expected: body.slice(1) });
      else if (lines[i] === '```sh')
        body.forEach((l, k) => {
          // `npx mmucheck ...` at the start of a line or after `&&`, comments and continuations joined.
          let text = l.replace(/#.*$/, '');
          for (let n = k; text.trimEnd().endsWith('\\') && n + 1 < body.length; n++) text = text.trimEnd().slice(0, -1) + body[n + 1].replace(/#.*$/, '');
          const m = /(?:^|&&)\s*npx mmucheck ([^&|;]*)/.exec(text);
          if (m && !/^\s/.test(l)) bare.push({ doc, line: i + 2 + k, command: words(m[1]) });
        });
      i = j;
    }
  }
  return { withOutput, bare };
}

/** Timings, rates, memory sizes, worker and check counts, and this checkout's path, made neutral. */
function normalise(line: string): string {
  return line
    .replaceAll(ROOT + '/', '')
    .replace(/\b\d+(\.\d+)? s\b/g, 'T s')
    .replace(/[\d,]+ states\/s/g, 'R states/s')
    .replace(/[\d.]+ [KMG]iB/g, 'M')
    .replace(/\([\d.]+ B\/state\)/g, '(B/state)')
    .replace(/\b\d+ workers?\b/g, 'W workers')
    .replace(/\((\d+) from ([\d,]+) states\)/, '(N from $2 states)')
    .replace(/^\d+ passed, (\d+) failed$/, 'N passed, $1 failed')
    .trimEnd();
}

/** Whether `expected` (with `...` wildcards) occurs in `actual` in order; else the first line that does not. */
function findBlock(expected: string[], actual: string[]): { ok: true } | { ok: false; missing: string } {
  const pats = expected.map(normalise);
  const act = actual.map(normalise);
  const match = (p: string, a: string) => (p.endsWith('...') && p !== '...' ? a.startsWith(p.slice(0, -3).trimEnd()) : p === a);
  // Groups of consecutive lines, separated by `...`; each group must appear after the previous.
  const groups: string[][] = [[]];
  for (const p of pats)
    if (p === '...') groups.push([]);
    else groups[groups.length - 1].push(p);
  let from = 0;
  for (const g of groups.filter((x) => x.length)) {
    let at = -1;
    for (let s = from; s + g.length <= act.length && at < 0; s++) if (g.every((p, k) => match(p, act[s + k]))) at = s;
    if (at < 0) {
      // Report the longest prefix of the group that matches somewhere, and the line after it.
      let best = 0;
      for (let s = from; s < act.length; s++) {
        let k = 0;
        while (k < g.length && s + k < act.length && match(g[k], act[s + k])) k++;
        best = Math.max(best, k);
      }
      return { ok: false, missing: g[best] };
    }
    from = at + g.length;
  }
  return { ok: true };
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 26 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const { withOutput, bare } = shownCommands();

describe('commands shown with their output in the docs print that output', () => {
  it('the docs show some', () => {
    expect(withOutput.length).toBeGreaterThanOrEqual(10);
  });

  for (const s of withOutput) {
    it(`${s.doc}:${s.line}: mmucheck ${s.command.join(' ')}`.slice(0, 160), () => {
      // `mmucheck test` alone runs every spec (the end of `npm test` does that): here, the specs the block shows.
      const specs = [...new Set(s.expected.flatMap((l) => /\bspecs\/[\w.-]+\.json\b/.exec(l)?.[0] ?? []))];
      const r = run(s.command.length === 1 && s.command[0] === 'test' ? ['test', ...specs] : s.command);
      expect(r.code === 0 || r.code === 1).toBe(true);
      const actual = r.out.split('\n');
      const found = findBlock(s.expected, actual);
      if (!found.ok && UPDATE && !s.expected.includes('...')) {
        rewrite(s, actual);
        return;
      }
      expect(found.ok ? 'every line shown' : `not printed: ${found.missing}`).toBe('every line shown');
    });
  }
});

describe('every other mmucheck command in a shell block runs', () => {
  const junit = join(mkdtempSync(join(tmpdir(), 'mmucheck-docs-')), 'junit.xml');
  for (const b of bare) {
    it(`${b.doc}:${b.line}: mmucheck ${b.command.join(' ')}`.slice(0, 160), () => {
      let args = b.command.map((w, k) => (b.command[k - 1] === '--junit' ? junit : w));
      if (args.includes('--junit')) args.push('--force');
      // The whole spec folder runs at the end of `npm test`; here one spec stands for it.
      if (args[0] === 'test' && !args.some((w) => w.endsWith('.json')))
        args = ['test', 'specs/deferred-tlb-flush.json', ...args.slice(1).filter((w) => w !== 'specs/')];
      // A command about a file the reader makes first (a saved trace): its subcommand must exist.
      if (args.some((w) => /\.(mmu|json)$/.test(w) && w !== junit && !existsSync(join(ROOT, w)))) args = [args[0], '--help'];
      const r = run(args);
      expect({ args, code: r.code, out: r.code === 0 || r.code === 1 ? '' : r.out }).toEqual({ args, code: r.code === 1 ? 1 : 0, out: '' });
    });
  }
});

/** Replaces the block with the real output: the lines from the block's first kind of line to its last. */
function rewrite(s: Shown, actual: string[]): void {
  const head = (l: string) => l.trim().split(/\s+/)[0];
  const first = s.expected.find((l) => l.trim());
  const last = [...s.expected].reverse().find((l) => l.trim());
  const a = actual.findIndex((l) => first !== undefined && head(l) === head(first));
  let b = -1;
  actual.forEach((l, k) => {
    if (last !== undefined && k >= a && head(l) === head(last)) b = k;
  });
  if (a < 0 || b < 0) throw new Error(`${s.doc}:${s.line}: cannot tell which part of the output the block shows`);
  const path = join(ROOT, s.doc);
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.indexOf(s.dollar) + 1; // earlier rewrites may have moved it
  lines.splice(at, s.expected.length, ...actual.slice(a, b + 1).map((l) => l.replaceAll(ROOT + '/', '').trimEnd()));
  writeFileSync(path, lines.join('\n'));
}
