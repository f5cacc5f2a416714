// A mutation fuzzer over every bundled model (issue 16): with a fixed seed, each mutant (a few
// random edits: deleted text, duplicated or swapped lines, extreme numbers, stray tokens, deep
// nesting, truncation) is run through `check` (1 or 2 workers, sometimes tso or arm) or
// `compile`, and every run must end with an exit code of the table in README.md other than
// 70 (a mutant is input, not an engine failure), without a JavaScript stack trace, and within
// a few seconds of its --time-limit. About 30 s in `npm test`; MMUCHECK_FUZZ_SECONDS=600 runs
// longer, MMUCHECK_FUZZ_SEED=N another sequence. A failure names the mutant file to reproduce.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../src/explore/simulate.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const SECONDS = Number(process.env.MMUCHECK_FUZZ_SECONDS ?? 30);
const SEED = Number(process.env.MMUCHECK_FUZZ_SEED ?? 16);
const TIME_LIMIT = 3; // --time-limit of each run
const GRACE_MS = 30_000; // start-up on a loaded machine, plus "a few seconds" past the limit
const ALLOWED = [0, 1, 2, 3];

function modelsUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? modelsUnder(p) : p.endsWith('.mmu') ? [p] : [];
  });
}

const EXTREMES = ['0', '-1', '1', '7', '4096', '65536', '2147483647', '2147483648', '-2147483648', '99999999999999999999'];
const TOKENS = [
  '(',
  ')',
  '{',
  '}',
  ';',
  '[',
  ']',
  '..',
  '::',
  '@',
  ',',
  '=',
  '==',
  '!',
  '-',
  '*',
  '/',
  '%',
  '"',
  '/*',
  'atomic {',
  'loop {',
  'any(0..3)',
  'forall i: 0..3 ::',
  'x',
  'skip;',
  'return;',
  'break;',
  'await false;',
  '\0',
  '\u00e9',
];

/** One mutant of `text`: one to three random edits. */
function mutate(text: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const at = () => Math.floor(next() * (text.length + 1));
  const edits = 1 + Math.floor(next() * 3);
  for (let e = 0; e < edits; e++) {
    const lines = text.split('\n');
    const line = () => Math.floor(next() * lines.length);
    switch (Math.floor(next() * 9)) {
      case 0: {
        const a = at();
        text = text.slice(0, a) + text.slice(a + 1 + Math.floor(next() * 40));
        break;
      }
      case 1: {
        const l = line();
        lines.splice(l, 0, lines[l]);
        text = lines.join('\n');
        break;
      }
      case 2: {
        const [a, b] = [line(), line()];
        [lines[a], lines[b]] = [lines[b], lines[a]];
        text = lines.join('\n');
        break;
      }
      case 3: {
        const numbers = [...text.matchAll(/\b\d+\b/g)];
        if (numbers.length) {
          const m = pick(numbers);
          text = text.slice(0, m.index) + pick(EXTREMES) + text.slice(m.index! + m[0].length);
        }
        break;
      }
      case 4: {
        const a = at();
        text = `${text.slice(0, a)} ${pick(TOKENS)} ${text.slice(a)}`;
        break;
      }
      case 5: {
        const names = [...new Set(text.match(/\b[A-Za-z_]\w*\b/g) ?? [])];
        const all = [...text.matchAll(/\b[A-Za-z_]\w*\b/g)];
        if (all.length && names.length) {
          const m = pick(all);
          text = text.slice(0, m.index) + pick(names) + text.slice(m.index! + m[0].length);
        }
        break;
      }
      case 6: {
        const a = at();
        const n = pick([50, 300, 3000]);
        text = `${text.slice(0, a)}${'('.repeat(n)}${text.slice(a)}`;
        break;
      }
      case 7:
        text = text.slice(0, at());
        break;
      case 8: {
        // A type or loop range made huge.
        const ranges = [...text.matchAll(/(\d+)\.\.(\w+)/g)];
        if (ranges.length) {
          const m = pick(ranges);
          text = `${text.slice(0, m.index)}${m[1]}..${pick(['999999', '2147483647', '65535', '4095'])}${text.slice(m.index! + m[0].length)}`;
        }
        break;
      }
    }
  }
  return text;
}

interface Outcome {
  code: number | null;
  signal: string | null;
  output: string;
  ms: number;
}

function run(args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => {
      if (output.length < 200_000) output += d;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT * 1000 + GRACE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output, ms: Date.now() - t0 });
    });
  });
}

describe('mutation fuzzing of every bundled model', () => {
  it(`mutants for ${SECONDS} s (seed ${SEED}): exit codes of the table, no stack trace, limits kept`, { timeout: SECONDS * 1000 + 180_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'mmucheck-fuzz-'));
    cpSync(join(ROOT, 'models'), join(work, 'models'), { recursive: true }); // imports resolve next to each mutant
    const models = modelsUnder(join(work, 'models')).sort();
    const failures: string[] = [];
    let runs = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const one = async (n: number): Promise<void> => {
      const next = rng((SEED * 1_000_003 + n) >>> 0); // mutant n is the same whatever the timing
      const source = models[n % models.length];
      const mutant = source.replace(/\.mmu$/, `.mutant-${n}.mmu`);
      writeFileSync(mutant, mutate(readFileSync(source, 'utf8'), next));
      const kind = next();
      const args =
        kind < 0.2
          ? ['compile', mutant, '--emit', next() < 0.5 ? 'js' : 'ir']
          : [
              'check',
              mutant,
              '--time-limit',
              String(TIME_LIMIT),
              '--max-states',
              '200000',
              '--workers',
              next() < 0.5 ? '1' : '2',
              ...(kind > 0.85 ? ['--memory', next() < 0.5 ? 'tso' : 'arm'] : []),
            ];
      const r = await run(args, work);
      runs++;
      const shown = `mmucheck ${args.join(' ').replace(work, '$FUZZ')} (mutant kept in ${relative(process.cwd(), mutant)})`;
      if (r.signal) failures.push(`${shown}: killed by ${r.signal} after ${r.ms} ms`);
      else if (!ALLOWED.includes(r.code!)) failures.push(`${shown}: exit ${r.code}\n${r.output.slice(0, 2000)}`);
      else if (/^\s+at .+[:(].*\d+:\d+\)?$/m.test(r.output) || /RangeError|TypeError|ReferenceError|Maximum call stack|Fatal error/.test(r.output))
        failures.push(`${shown}: a JavaScript error\n${r.output.slice(0, 2000)}`);
      else if (args[0] === 'check' && r.ms > TIME_LIMIT * 1000 + GRACE_MS) failures.push(`${shown}: ran ${r.ms} ms with --time-limit ${TIME_LIMIT}`);
    };
    // Two at a time (the machine has two cores), until the time is up; every model at least once.
    let n = 0;
    const lane = async () => {
      while (Date.now() < deadline || n < models.length) await one(n++);
    };
    await Promise.all([lane(), lane()]);
    expect(failures, `${failures.length} of ${runs} runs failed:\n${failures.join('\n\n')}`).toEqual([]);
    expect(runs).toBeGreaterThanOrEqual(models.length);
  });
});
