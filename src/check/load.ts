// Reads a model and the files it imports (each once, paths relative to the importer).
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { MAX_SOURCE_BYTES } from '../parse/bounds.ts';
import { dirname, relative, resolve } from 'node:path';
import type { Decl } from '../parse/ast.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';
import { parse } from '../parse/parser.ts';
import { sourceFile, type SourceFile } from '../parse/source.ts';

export interface LoadedProgram {
  readonly mainFile: SourceFile;
  readonly decls: Decl[]; // every file's declarations, imports expanded in place
  readonly files: SourceFile[];
}

/** `readText` is injectable so tests can load models from memory. */
export type ReadText = (absPath: string) => string;

/**
 * Reads a model file: only a regular file of at most MAX_SOURCE_BYTES (not a device, a FIFO or
 * /proc file read until memory runs out), and only text (a binary file is refused as a whole,
 * and nothing of it is echoed).
 */
export function readModelText(p: string): string {
  const bytes = readRegularFile(p, MAX_SOURCE_BYTES);
  if (bytes.includes(0)) throw new Error('not a text file (it contains NUL bytes)');
  return bytes.toString('utf8');
}

/**
 * The bytes of a regular file of at most `max` bytes; anything else (a folder, a device, a
 * FIFO, a larger file, or a /proc file that says size 0 and is not) is an error with a reason.
 */
export function readRegularFile(p: string, max: number): Buffer {
  const tooLarge = () => new Error(`larger than ${max / (1024 * 1024)} MiB (docs/limits.md)`);
  const st = statSync(p);
  if (st.isDirectory()) throw new Error('it is a folder, not a file');
  if (!st.isFile()) throw new Error('not a regular file');
  if (st.size > max) throw tooLarge();
  const fd = openSync(p, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.min(max, Math.max(st.size, 65_536)) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(max + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const k = readSync(fd, buf, n, buf.length - n, null);
      if (k === 0) return buf.subarray(0, n);
      n += k;
      if (n > max) throw tooLarge();
    }
  } finally {
    closeSync(fd);
  }
}

export function loadProgram(path: string, readText: ReadText = readModelText): { program?: LoadedProgram; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const files: SourceFile[] = [];
  const decls: Decl[] = [];

  const load = (displayPath: string, absPath: string, isMain: boolean): SourceFile | undefined => {
    seen.add(absPath);
    let text: string;
    try {
      text = readText(absPath);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      diagnostics.push(diag('io', `cannot read ${displayPath}: ${reason}`));
      return undefined;
    }
    const file = sourceFile(displayPath, text);
    files.push(file);
    const parsed = parse(file);
    // Lexical and syntax errors of one file, in the order they stand in it.
    const own = [...parsed.diagnostics].sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
    diagnostics.push(...own);
    for (const d of parsed.program.decls) {
      if (d.kind === 'import') {
        const target = resolve(dirname(absPath), d.path);
        if (seen.has(target)) continue;
        const shown = relative(process.cwd(), target) || target;
        const before = diagnostics.length;
        const imported = load(shown.startsWith('..') ? target : shown, target, false);
        if (!imported && diagnostics.length > before) {
          const last = diagnostics.pop()!;
          diagnostics.push({ ...last, span: d.span });
        }
      } else if (d.kind !== 'model' || isMain) decls.push(d); // a library may name itself; only the main file names the model
    }
    return file;
  };

  const mainFile = load(path, resolve(path), true);
  if (!mainFile) return { diagnostics };
  return { program: { mainFile, decls, files }, diagnostics };
}
