// Sequential consistency (`--memory sc`, the default): every access acts on memory at once,
// in program order, and barriers order nothing, so they are not steps at all.
import { direct } from '../compile/access.ts';
import type { MemoryModel } from './model.ts';

export function sequentialConsistency(): MemoryModel {
  return {
    spec: { name: 'sc' },
    environmentName: 'memory',
    fenceIsStep: () => false,
    ordersAcquireRelease: false,
    addGlobalSlots() {},
    addInstanceSlots() {},
    validate: () => [],
    stepAccess: () => ({ onSource: direct, onSuccessor: direct, guard: '' }),
    emitEnvironment() {},
    runtime: () => null,
    buffer: () => null,
    renaming: () => ({ value: { kind: 'copy' } }),
  };
}
