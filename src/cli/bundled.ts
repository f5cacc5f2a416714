// The models and specs that ship with mmucheck, found from the package's own folder (dist/cli
// or src/cli, two levels down), so `mmucheck check bbm-stage2-leaf` works from any folder.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The folders of bundled models, in the order `mmucheck models` lists them. */
export const MODEL_DIRS = ['models', 'models/examples'] as const;

/** Every bundled model: its name (the file name without .mmu) and its path. */
export function bundledModels(): { name: string; path: string }[] {
  return MODEL_DIRS.flatMap((d) =>
    readdirSync(join(PACKAGE_ROOT, d))
      .filter((f) => f.endsWith('.mmu'))
      .sort()
      .map((f) => ({ name: f.slice(0, -'.mmu'.length), path: join(PACKAGE_ROOT, d, f) })),
  );
}

/** A bare name (no folder, no extension) that is not a file here but names a bundled item. */
function isBareName(arg: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(arg) && !/\.(mmu|json|litmus)$/.test(arg) && !existsSync(arg);
}

/** The model a command line names: a file as given, or a bundled model's name. */
export function modelArgument(arg: string): string {
  if (!isBareName(arg)) return arg;
  return bundledModels().find((m) => m.name === arg)?.path ?? arg;
}

/** A spec a command line names: a file or folder as given, or a bundled spec's name. */
export function specArgument(arg: string): string {
  if (!isBareName(arg)) return arg;
  const path = join(PACKAGE_ROOT, 'specs', `${arg}.json`);
  return existsSync(path) ? path : arg;
}
