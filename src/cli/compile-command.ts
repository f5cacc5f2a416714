// `mmucheck compile MODEL.mmu --emit ir|js|dot`: what the model compiles to.
import { renderDiagnostics } from '../report/diagnostics.ts';
import { renderDot, renderIr } from '../report/automata.ts';
import { EXIT } from './check-command.ts';
import { constAssignments, oneOf } from './options.ts';
import { colorFor } from './output.ts';
import { buildSystem } from './pipeline.ts';

export function compileCommand(path: string, flags: { emit?: string; const: string[]; color?: boolean }): number {
  const emit = oneOf('--emit', flags.emit, ['ir', 'js', 'dot'] as const) ?? 'ir';
  const built = buildSystem(path, constAssignments(flags.const));
  if (!built.system) {
    process.stderr.write(renderDiagnostics(built.diagnostics, colorFor(process.stderr, flags.color)) + '\n');
    return EXIT.input;
  }
  const s = built.system;
  const text = emit === 'ir' ? renderIr(s) : emit === 'dot' ? renderDot(s) : s.source;
  process.stdout.write(text + '\n');
  return EXIT.pass;
}
