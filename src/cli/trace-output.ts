// Where a counterexample goes, in which format: shared by check, simulate and trace.
import type { ChalkInstance } from 'chalk';
import { existsSync, writeFileSync } from 'node:fs';
import type { TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from '../explore/bfs.ts';
import type { Trace } from '../explore/replay.ts';
import { htmlPage } from '../report/html-page.ts';
import { encodeTrace, type TraceDocument } from '../report/trace-document.ts';
import { formatTrace } from '../report/trace.ts';
import { failOption, oneOf } from './options.ts';

export const TRACE_FORMATS = ['table', 'text', 'json', 'itf', 'msgpack', 'html'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export interface TraceFlags {
  trace?: string;
  traceOut?: string;
  force?: boolean;
}

/** Checks the trace options before any work is done. */
export function traceChoice(flags: TraceFlags, stdoutIsTty: boolean): { format: TraceFormat; out?: string } {
  const format = oneOf('--trace', flags.trace, TRACE_FORMATS) ?? (stdoutIsTty ? 'table' : 'text');
  if (format === 'msgpack' && !flags.traceOut) failOption('--trace msgpack writes binary: give it a file with --trace-out FILE');
  if (format === 'html' && !flags.traceOut) failOption('--trace html writes a page: give it a file with --trace-out FILE.html');
  if (flags.traceOut && existsSync(flags.traceOut) && !flags.force) failOption(`--trace-out: ${flags.traceOut} already exists; pass --force to overwrite it`);
  return { format, out: flags.traceOut };
}

/** The counterexample rendered in `format`: text for table/text/json/itf/html, bytes for msgpack. */
export function renderTrace(
  system: TransitionSystem,
  trace: Trace,
  violation: FoundViolation,
  doc: TraceDocument,
  format: TraceFormat,
  color: ChalkInstance,
): string | Uint8Array {
  if (format === 'table' || format === 'text') return formatTrace(system, trace, violation, format, color) + '\n';
  if (format === 'html') return htmlPage(system, trace, doc);
  return encodeTrace(system, trace, doc, format);
}

export function writeTrace(file: string, content: string | Uint8Array): void {
  writeFileSync(file, content);
}
