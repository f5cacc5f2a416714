// The stages one after another, as the check and compile commands run them:
// load+parse -> check -> compile. Returns diagnostics instead of printing them.
import { checkFile, type ConstOverrides } from '../check/check.ts';
import { compile, type TransitionSystem } from '../compile/system.ts';
import { diag, type Diagnostic } from '../parse/diagnostic.ts';

export interface MemoryChoice {
  readonly memory: 'sc' | 'tso' | 'arm';
  readonly storeBuffer?: number;
}

export function buildSystem(
  path: string,
  overrides: ConstOverrides,
  invariants?: readonly string[],
  memory: MemoryChoice = { memory: 'sc' },
): { system?: TransitionSystem; diagnostics: Diagnostic[] } {
  const checked = checkFile(path, overrides);
  if (!checked.model) return { diagnostics: checked.diagnostics };
  const model = checked.model;
  if (invariants && invariants.length) {
    const names = model.invariants.map((i) => i.name);
    const unknown = invariants.filter((n) => !names.includes(n));
    if (unknown.length)
      return {
        diagnostics: unknown.map((n) =>
          diag('option', `--invariant: the model has no invariant '${n}'`, undefined, {
            notes: [names.length ? `its invariants are: ${names.join(', ')}` : 'it declares no invariants'],
          }),
        ),
      };
  }
  return compile(model, { invariants, memory: memory.memory, storeBuffer: memory.storeBuffer });
}
