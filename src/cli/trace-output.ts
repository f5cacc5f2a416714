// Where a counterexample goes, in which format: shared by check, simulate and trace.
import type { ChalkInstance } from 'chalk';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TransitionSystem } from '../compile/system.ts';
import type { FoundViolation } from '../explore/bfs.ts';
import type { Trace } from '../explore/replay.ts';
import { htmlPage } from '../report/html-page.ts';
import { encodeTrace, type TraceDocument } from '../report/trace-document.ts';
import { formatTrace } from '../report/trace.ts';
import { failOption, oneOf } from './options.ts';
import { checkOutputPath, writeOutputFile } from './output-file.ts';
import { tableWidth } from './output.ts';

export const TRACE_FORMATS = ['table', 'text', 'json', 'itf', 'msgpack', 'html'] as const;
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
  if (format === 'html' && !flags.traceOut) failOption('--trace html writes a page: give it a file with --trace-out FILE.html');
  if (flags.traceOut) checkOutputPath('--trace-out', flags.traceOut, flags.force);
  return { format, out: flags.traceOut, force: flags.force };
}

/** The counterexample rendered in `format`: text for table/text/json/itf/html, bytes for msgpack. */
export function renderTrace(
  system: TransitionSystem,
  trace: Trace,
  violation: FoundViolation,
  doc: TraceDocument,
  format: TraceFormat,
  color: ChalkInstance,
  width = tableWidth(process.stdout),
): string | Uint8Array {
  if (format === 'table' || format === 'text') return formatTrace(system, trace, violation, format, color, width) + '\n';
  if (format === 'html') return htmlPage(system, trace, doc);
  return encodeTrace(system, trace, doc, format);
}

/** Writes the trace checked by traceChoice (a temporary file put in place; see output-file.ts). */
export function writeTrace(file: string, content: string | Uint8Array, force?: boolean): void {
  writeOutputFile('--trace-out', file, content, force);
}

/**
 * `test --trace-dir DIR`: one counterexample page per failing check, named after its spec and
 * check. DIR is created; an existing DIR must be empty, unless --force (pages are then
 * overwritten).
 */
export function tracePages(dir: string, force: boolean) {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) failOption(`--trace-dir: ${dir} is a file, not a folder`);
    if (readdirSync(dir).length && !force) failOption(`--trace-dir: ${dir} is not empty; pass --force to write pages into it anyway`);
  }
  const used = new Set<string>();
  return {
    /** Writes the page of one check; its path. */
    write(spec: string, check: string, system: TransitionSystem, trace: Trace, doc: TraceDocument): string {
      mkdirSync(dir, { recursive: true });
      const slug = (s: string) =>
        s
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
      const stem = `${slug(basename(spec).replace(/\.json$/, ''))}--${slug(check) || 'check'}`;
      let name = `${stem}.html`;
      for (let k = 2; used.has(name); k++) name = `${stem}-${k}.html`;
      used.add(name);
      const path = join(dir, name);
      writeFileSync(path, htmlPage(system, trace, doc));
      return path;
    },
  };
}
