// What the golden files hold, computed in-process: diagnostics for broken models,
// counterexamples for buggy variants, and the generated code of one example per memory model. Paths are relative to the repository, and timings are
// never part of the text. `npm run goldens` rewrites the files; the test compares.
import { Chalk } from 'chalk';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { instantiate } from '../../src/compile/system.ts';
import { buildSystem } from '../../src/cli/run-check.ts';
import { memorySpec } from '../../src/memory/index.ts';
import { loadSpec, specFiles } from '../../src/cli/specs.ts';
import { explore } from '../../src/explore/bfs.ts';
import { checkProperties } from '../../src/explore/liveness.ts';
import { replay } from '../../src/explore/replay.ts';
import { renderDiagnostics } from '../../src/report/diagnostics.ts';
import { formatTrace } from '../../src/report/trace.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
const plain = new Chalk({ level: 0 });

export interface GoldenCase {
  readonly name: string; // file name of the golden, relative to test/goldens
  readonly produce: () => Promise<string>;
}

const DIAG_DIR = join(ROOT, 'test/goldens/diagnostics');

function diagnosticsOf(model: string): string {
  const prev = process.cwd();
  process.chdir(ROOT);
  try {
    const built = buildSystem(relative(ROOT, model), {}, undefined, memorySpec('sc'));
    if (built.system) return 'no diagnostics\n';
    return renderDiagnostics(built.diagnostics, plain) + '\n';
  } finally {
    process.chdir(prev);
  }
}

async function counterexample(
  model: string,
  consts: Record<string, string>,
  format: 'table' | 'text',
  deadlock = true,
  invariants?: string[],
  memory: { memory: 'sc' | 'tso' | 'arm'; storeBuffer?: number } = { memory: 'sc' },
): Promise<string> {
  const prev = process.cwd();
  process.chdir(ROOT);
  try {
    const built = buildSystem(model, consts, invariants, memorySpec(memory.memory, memory.storeBuffer));
    if (!built.system) return renderDiagnostics(built.diagnostics, plain) + '\n';
    const sys = built.system;
    // As `check` runs it: with temporal properties, the graph and then the liveness phase.
    const graph = sys.properties.length > 0;
    let r = await explore(sys, instantiate(sys), { deadlock, graph });
    if (graph && r.verdict === 'pass') r = checkProperties(sys, r);
    if (!r.violation) return `verdict ${r.verdict}\n`;
    const trace = replay(sys, instantiate(sys), r.violation);
    const head = `${model} ${Object.entries(consts)
      .map(([k, v]) => `--const ${k}=${v}`)
      .join(' ')}`.trim();
    return `${head}\n${r.violation.kind} ${r.violation.property} at depth ${r.violation.depth}\n\n${formatTrace(sys, trace, r.violation, format, plain)}\n`;
  } finally {
    process.chdir(prev);
  }
}

const TRACES: { name: string; model: string; consts: Record<string, string>; format: 'table' | 'text' }[] = [
  { name: 'bbm-leaf-mini-plain.table.txt', model: 'models/examples/bbm-leaf-mini.mmu', consts: { BREAK: 'Plain' }, format: 'table' },
  { name: 'bbm-leaf-mini-plain.text.txt', model: 'models/examples/bbm-leaf-mini.mmu', consts: { BREAK: 'Plain' }, format: 'text' },
  { name: 'peterson-turnfirst.table.txt', model: 'models/examples/peterson.mmu', consts: { VARIANT: 'TurnFirst' }, format: 'table' },
  { name: 'philosophers-naive.table.txt', model: 'models/examples/philosophers.mmu', consts: { ORDER: 'Naive' }, format: 'table' },
];

/** Every check of specs/*.json that expects a violation gets a golden counterexample table. */
function specCounterexamples(): GoldenCase[] {
  const { files } = specFiles([join(ROOT, 'specs')]);
  const out: GoldenCase[] = [];
  for (const file of files) {
    const { spec } = loadSpec(file);
    if (!spec) continue;
    const base = file
      .split('/')
      .pop()!
      .replace(/\.json$/, '');
    for (const check of spec.checks) {
      if (check.expect.verdict !== 'violation') continue;
      const slug = check.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      const consts = Object.fromEntries(Object.entries(check.const).map(([k, v]) => [k, String(v)]));
      out.push({
        name: `models/${base}/${slug}.table.txt`,
        produce: () =>
          counterexample(relative(ROOT, spec.model), consts, 'table', check.deadlock, check.invariants, {
            memory: check.memory,
            storeBuffer: check.storeBuffer,
          }),
      });
    }
  }
  return out;
}

/** The generated code of a small example under each memory model, as `compile --emit js` prints it. */
function generatedCode(): GoldenCase[] {
  return (['sc', 'tso', 'arm'] as const).map((m) => ({
    name: `generated/bbm-leaf-mini.${m}.js`,
    produce: async () => {
      const built = buildSystem(join(ROOT, 'models/examples/bbm-leaf-mini.mmu'), {}, undefined, memorySpec(m));
      return built.system ? `${built.system.source}\n` : renderDiagnostics(built.diagnostics, plain);
    },
  }));
}

export function goldenCases(): GoldenCase[] {
  const diags = readdirSync(DIAG_DIR)
    .filter((f) => f.endsWith('.mmu'))
    .sort()
    .map((f) => ({ name: `diagnostics/${f.replace(/\.mmu$/, '.expected')}`, produce: async () => diagnosticsOf(join(DIAG_DIR, f)) }));
  const traces = TRACES.map((t) => ({ name: `traces/${t.name}`, produce: () => counterexample(t.model, t.consts, t.format) }));
  return [...diags, ...traces, ...specCounterexamples(), ...generatedCode()];
}
