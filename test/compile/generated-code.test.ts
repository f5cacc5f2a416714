// The generated code is meant to be read: every step carries a comment with the model's
// file:line and its statement, and no line is longer than 200 characters, for every bundled
// model under every memory model.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../src/cli/run-check.ts';
import { wrap } from '../../src/compile/code-writer.ts';
import { MEMORY_MODEL_NAMES, memorySpec } from '../../src/memory/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const MODELS = [
  ...readdirSync(join(ROOT, 'models'))
    .filter((f) => f.endsWith('.mmu'))
    .map((f) => join(ROOT, 'models', f)),
  ...readdirSync(join(ROOT, 'models/examples'))
    .filter((f) => f.endsWith('.mmu'))
    .map((f) => join(ROOT, 'models/examples', f)),
];

describe('generated code a reviewer can read', () => {
  for (const memory of MEMORY_MODEL_NAMES) {
    it(`every bundled model under ${memory}: a file:line comment per step, no line over 200 characters`, () => {
      for (const file of MODELS) {
        const built = buildSystem(file, {}, undefined, memorySpec(memory));
        if (!built.system) continue; // a model that does not compile under this memory model says so elsewhere
        const lines = built.system.source.split('\n');
        const long = lines.filter((l) => l.length > 200);
        expect({ file, long }).toEqual({ file, long: [] });
        const edges = built.system.automata.reduce((n, a) => n + a.nodes.reduce((m, node) => m + node.edges.length, 0), 0);
        const stepComments = lines.filter((l) => /^\s*\/\/ [\w.-]+\.mmu:\d+ {2}\S/.test(l)).length;
        expect({ file, stepComments }).toEqual({ file, stepComments: edges });
      }
    });
  }

  it('breaks a long line only where JavaScript reads on, never inside a string or a comment', () => {
    const line = `f(${Array.from({ length: 40 }, (_, i) => `a${i}`).join(', ')}, "x, y, z, ${'w, '.repeat(40)}") // c, d, e`;
    const pieces = wrap(line, 60);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join(' ')).toBe(line);
    for (const p of pieces.slice(0, -1)) expect(p).toMatch(/,$/);
    expect(pieces[pieces.length - 1]).toContain('"x, y, z,'); // the string stays whole
    expect(wrap('x = 1;', 60)).toEqual(['x = 1;']);
  });
});
