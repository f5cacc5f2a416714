// The memory models by name: what the compiler builds a kernel with, and what a worker
// thread rebuilds a kernel's runtime from. Adding a model means adding it here.
import type { Choices } from '../compile/runtime.ts';
import { armv8 } from './arm.ts';
import { ArmRuntime, type ArmRuntimeData } from './arm-runtime.ts';
import { DEFAULT_STORE_BUFFER, type MemoryModel, type MemoryModelName, type MemorySpec, type RuntimeDescription } from './model.ts';
import { sequentialConsistency } from './sc.ts';
import { totalStoreOrder, TsoRuntime, type TsoRuntimeData } from './tso.ts';

export { DEFAULT_STORE_BUFFER, MEMORY_MODEL_NAMES, type MemoryModel, type MemoryModelName, type MemorySpec } from './model.ts';

interface Entry {
  /** What the CLI's help says about it. */
  readonly summary: string;
  /** Whether it has store buffers (and so takes --store-buffer). */
  readonly buffered: boolean;
  create(storeBuffer: number): MemoryModel;
  runtime?(data: unknown, choices: Choices): unknown;
}

const MODELS: Record<MemoryModelName, Entry> = {
  sc: { summary: 'sequential consistency', buffered: false, create: () => sequentialConsistency() },
  tso: {
    summary: 'x86-TSO store buffers',
    buffered: true,
    create: (k) => totalStoreOrder(k),
    runtime: (data) => new TsoRuntime(data as TsoRuntimeData),
  },
  arm: {
    summary: 'Armv8',
    buffered: true,
    create: (k) => armv8(k),
    runtime: (data, choices) => new ArmRuntime(data as ArmRuntimeData, choices),
  },
};

/** The spec with its default bound filled in (none for a model without buffers). */
export function memorySpec(name: MemoryModelName, storeBuffer?: number): MemorySpec {
  return MODELS[name].buffered ? { name, storeBuffer: storeBuffer ?? DEFAULT_STORE_BUFFER } : { name };
}

export function isBuffered(name: MemoryModelName): boolean {
  return MODELS[name].buffered;
}

export function memorySummary(name: MemoryModelName): string {
  return MODELS[name].summary;
}

/** A fresh model for one compilation (it keeps where its slots are). */
export function memoryModel(spec: MemorySpec): MemoryModel {
  const full = memorySpec(spec.name, spec.storeBuffer);
  return MODELS[full.name].create(full.storeBuffer ?? 0);
}

/** The runtime object generated code calls as `$m` (undefined when the model needs none). */
export function memoryRuntime(desc: RuntimeDescription | null, choices: Choices): unknown {
  if (!desc) return undefined;
  return MODELS[desc.model].runtime?.(desc.data, choices);
}

/** "memory sc", "memory tso (store buffers of 2)", "memory arm (store buffers of 2)". */
export function memoryLabel(spec: MemorySpec): string {
  return spec.storeBuffer === undefined ? `memory ${spec.name}` : `memory ${spec.name} (store buffers of ${spec.storeBuffer})`;
}
