// Where a counterexample goes, in which format: shared by check, simulate and trace.
import type { ChalkInstance } from 'chalk';
import type { TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from '../explore/bfs.ts';
import type { Trace } from '../explore/replay.ts';
import { encodeTrace, type TraceDocument } from '../report/trace-document.ts';
import { formatTrace } from '../report/trace.ts';
import { failOption, oneOf } from './options.ts';
import { checkOutputPath, writeOutputFile } from './output-file.ts';

export const TRACE_FORMATS = ['table', 'text', 'json', 'itf', 'msgpack'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export interface TraceFlags {
  trace?: string;
  traceOut?: string;
  force?: boolean;
}

/** Checks the trace options before any work is done. */
export function traceChoice(flags: TraceFlags, stdoutIsTty: boolean): { format: TraceFormat; out?: string; force?: boolean } {
  const format = oneOf('--trace', flags.trace, TRACE_FORMATS) ?? (stdoutIsTty ? 'table' : 'text');
  if (format === 'msgpack' && !flags.traceOut) failOption('--trace msgpack writes binary: give it a file with --trace-out FILE');
  if (flags.traceOut) checkOutputPath('--trace-out', flags.traceOut, flags.force);
  return { format, out: flags.traceOut, force: flags.force };
}

/** The counterexample rendered in `format`: text for table/text/json/itf, bytes for msgpack. */
export function renderTrace(
  system: TransitionSystem,
  trace: Trace,
  violation: FoundViolation,
  doc: TraceDocument,
  format: TraceFormat,
  color: ChalkInstance,
): string | Uint8Array {
  if (format === 'table' || format === 'text') return formatTrace(system, trace, violation, format, color) + '\n';
  return encodeTrace(system, trace, doc, format);
}

/** Writes the trace checked by traceChoice (a temporary file put in place; see output-file.ts). */
export function writeTrace(file: string, content: string | Uint8Array, force?: boolean): void {
  writeOutputFile('--trace-out', file, content, force);
}
