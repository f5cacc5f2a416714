// Files a command writes (--trace-out, --junit): checked before any work is done, written
// whole or not at all. A path that cannot be written is exit 2 before the search, not a stack
// trace after it; the content goes to a temporary file in the same folder that is then put in
// place, and without --force a file that appeared at the path during the search is not
// overwritten.
import { accessSync, constants, copyFileSync, linkSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failOption } from './options.ts';

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Before the search: the folder exists and is writable, and the path is not a folder (nor, without --force, a file). */
export function checkOutputPath(option: string, path: string, force: boolean | undefined): void {
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) failOption(`${option}: ${path} is a folder; give a file name`);
  if (existing && !existing.isFile()) failOption(`${option}: ${path} is not a regular file`);
  if (existing && !force) failOption(`${option}: ${path} already exists; pass --force to overwrite it`);
  const dir = dirname(path);
  let d: ReturnType<typeof statSync>;
  try {
    d = statSync(dir);
  } catch {
    return failOption(`${option}: cannot write ${path}: the folder ${dir} does not exist`);
  }
  if (!d.isDirectory()) failOption(`${option}: cannot write ${path}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
    if (existing) accessSync(path, constants.W_OK);
  } catch {
    failOption(`${option}: cannot write ${path}: permission denied`);
  }
}

/** Writes the whole file, or refuses (exit 2): never a half-written file, never a silent overwrite. */
export function writeOutputFile(option: string, path: string, content: string | Uint8Array, force: boolean | undefined): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, content, { flag: 'wx' });
  } catch (e) {
    failOption(`${option}: cannot write ${path}: ${reason(e)}`);
  }
  try {
    if (force) renameSync(tmp, path);
    else {
      try {
        linkSync(tmp, path); // fails if the path appeared meanwhile
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw e;
        copyFileSync(tmp, path, constants.COPYFILE_EXCL); // a file system without hard links
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') failOption(`${option}: ${path} appeared while the search ran; it is not overwritten (pass --force to overwrite it)`);
    failOption(`${option}: cannot write ${path}: ${reason(e)}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // renamed into place
    }
  }
}
