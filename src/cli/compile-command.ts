// `mmucheck compile MODEL.mmu --emit ir|js|dot [--memory NAME]`: what the model compiles to.
import { renderDot, renderIr } from '../report/automata.ts';
import { modelArgument } from './bundled.ts';
import { constAssignments, oneOf } from './options.ts';
import { colorFor } from './output.ts';
import { memoryOption } from './request.ts';
import { buildOrReport, EXIT } from './run-check.ts';

export interface CompileFlags {
  emit?: string;
  const: string[];
  memory?: string;
  storeBuffer?: string;
  color?: boolean;
}

export function compileCommand(path: string, flags: CompileFlags): number {
  const emit = oneOf('--emit', flags.emit, ['ir', 'js', 'dot'] as const) ?? 'ir';
  const system = buildOrReport(
    modelArgument(path),
    constAssignments(flags.const),
    undefined,
    memoryOption(flags),
    process.stderr,
    colorFor(process.stderr, flags.color),
  );
  if (!system) return EXIT.input;
  const text = emit === 'ir' ? renderIr(system) : emit === 'dot' ? renderDot(system) : system.source;
  process.stdout.write(text + '\n');
  return EXIT.pass;
}
