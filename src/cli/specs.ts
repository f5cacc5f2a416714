// Reading spec files: JSON in the format of specs/spec.schema.json. Every problem is a
// message naming the file (and the check), never an exception.
import { readdirSync, statSync } from 'node:fs';
import { readRegularFile } from '../check/load.ts';
import { MAX_SOURCE_BYTES, MAX_STORE_BUFFER } from '../parse/bounds.ts';
import { dirname, join, resolve } from 'node:path';
import { specArgument } from './bundled.ts';
import { isBuffered, MEMORY_MODEL_NAMES, type MemoryModelName, memorySpec } from '../memory/index.ts';

export interface SpecCheck {
  readonly name: string;
  readonly description?: string;
  readonly const: Record<string, string | number | boolean>;
  readonly deadlock: boolean;
  readonly invariants?: string[];
  readonly properties?: string[];
  readonly liveness: boolean;
  readonly symmetry: boolean;
  readonly maxStates?: number;
  readonly memory: MemoryModelName;
  readonly storeBuffer?: number;
  readonly expect:
    | { verdict: 'pass'; states?: number; maxDepth?: number }
    | { verdict: 'violation'; kind?: string; property?: string; depth: number }
    /** For a C litmus test: herd7's observation, and optionally its count of final states. */
    | { verdict?: undefined; observation: 'Never' | 'Sometimes' | 'Always'; states?: number };
  /** Not run: why (for example, the forms it needs are not in this version). */
  readonly skip?: string;
}

export interface Spec {
  readonly file: string;
  readonly model: string; // resolved path
  readonly checks: SpecCheck[];
}

export type SpecLoad = { spec: Spec; error?: undefined } | { spec?: undefined; error: string };

/** The spec files named on the command line: files as given, folders searched for *.json. */
export function specFiles(args: readonly string[]): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const arg of args.length ? args : ['specs']) {
    const a = specArgument(arg);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(a);
    } catch {
      errors.push(`${a}: no such file or folder`);
      continue;
    }
    if (st.isDirectory()) {
      const inside = readdirSync(a)
        .filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'))
        .sort();
      // A folder without specs is a mistake (a CI gate must not pass by running nothing).
      if (inside.length === 0) errors.push(`${a}: no spec files (*.json) in this folder`);
      files.push(...inside.map((f) => join(a, f)));
    } else files.push(a);
  }
  return { files, errors };
}

const KINDS = ['invariant', 'assert', 'deadlock', 'range', 'division', 'liveness'];

export function loadSpec(file: string): SpecLoad {
  let raw: unknown;
  try {
    raw = JSON.parse(readRegularFile(file, MAX_SOURCE_BYTES).toString('utf8'));
  } catch (e) {
    const msg = e instanceof SyntaxError ? `not valid JSON: ${e.message}` : `cannot read: ${(e as Error).message}`;
    return { error: `${file}: ${msg}` };
  }
  const bad = (what: string): SpecLoad => ({ error: `${file}: ${what}` });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('a spec is a JSON object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['$schema', 'model', 'description', 'checks'].includes(k)) return bad(`unknown field '${k}'`);
  if (typeof o.model !== 'string') return bad("'model' must be the path of a .mmu file");
  if (!Array.isArray(o.checks) || o.checks.length === 0) return bad("'checks' must be a non-empty array");
  const checks: SpecCheck[] = [];
  const names = new Set<string>();
  for (const [i, c] of o.checks.entries()) {
    const where = `check ${i + 1}`;
    if (typeof c !== 'object' || c === null) return bad(`${where} must be an object`);
    const k = c as Record<string, unknown>;
    for (const key of Object.keys(k))
      if (
        ![
          'name',
          'description',
          'const',
          'deadlock',
          'invariants',
          'properties',
          'liveness',
          'symmetry',
          'memory',
          'storeBuffer',
          'maxStates',
          'expect',
          'skip',
        ].includes(key)
      )
        return bad(`${where}: unknown field '${key}'`);
    if (typeof k.name !== 'string' || !k.name) return bad(`${where} needs a 'name'`);
    if (names.has(k.name)) return bad(`two checks are named '${k.name}'`);
    names.add(k.name);
    const cw = `check '${k.name}'`;
    const consts = k.const ?? {};
    if (typeof consts !== 'object' || Array.isArray(consts)) return bad(`${cw}: 'const' must be an object`);
    for (const [n, v] of Object.entries(consts as object))
      if (!['string', 'number', 'boolean'].includes(typeof v)) return bad(`${cw}: constant ${n} must be a number, a bool or a name`);
    if (k.deadlock !== undefined && typeof k.deadlock !== 'boolean') return bad(`${cw}: 'deadlock' must be true or false`);
    const quoted = MEMORY_MODEL_NAMES.map((n) => `"${n}"`);
    if (k.memory !== undefined && !MEMORY_MODEL_NAMES.includes(k.memory as MemoryModelName))
      return bad(`${cw}: 'memory' must be ${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`);
    const buffered = MEMORY_MODEL_NAMES.filter(isBuffered);
    if (
      k.storeBuffer !== undefined &&
      !(
        Number.isInteger(k.storeBuffer) &&
        (k.storeBuffer as number) > 0 &&
        (k.storeBuffer as number) <= MAX_STORE_BUFFER &&
        buffered.includes(k.memory as MemoryModelName)
      )
    )
      return bad(`${cw}: 'storeBuffer' is an integer from 1 to ${MAX_STORE_BUFFER}, with "memory": ${buffered.map((n) => `"${n}"`).join(' or ')}`);
    if (k.invariants !== undefined && !(Array.isArray(k.invariants) && k.invariants.every((x) => typeof x === 'string')))
      return bad(`${cw}: 'invariants' must be a list of names`);
    if (k.properties !== undefined && !(Array.isArray(k.properties) && k.properties.every((x) => typeof x === 'string')))
      return bad(`${cw}: 'properties' must be a list of names`);
    if (k.liveness !== undefined && typeof k.liveness !== 'boolean') return bad(`${cw}: 'liveness' must be true or false`);
    if (k.symmetry !== undefined && typeof k.symmetry !== 'boolean') return bad(`${cw}: 'symmetry' must be true or false`);
    if (k.maxStates !== undefined && !(Number.isInteger(k.maxStates) && (k.maxStates as number) > 0))
      return bad(`${cw}: 'maxStates' must be a positive integer`);
    const e = k.expect as Record<string, unknown> | undefined;
    if (typeof e !== 'object' || e === null) return bad(`${cw} needs an 'expect' object`);
    const int = (x: unknown) => x === undefined || (Number.isInteger(x) && (x as number) >= 0);
    if (e.verdict === 'pass') {
      for (const key of Object.keys(e)) if (!['verdict', 'states', 'maxDepth'].includes(key)) return bad(`${cw}: expect has unknown field '${key}'`);
      if (!int(e.states) || !int(e.maxDepth)) return bad(`${cw}: 'states' and 'maxDepth' must be whole numbers`);
    } else if (e.verdict === 'violation') {
      for (const key of Object.keys(e)) if (!['verdict', 'kind', 'property', 'depth'].includes(key)) return bad(`${cw}: expect has unknown field '${key}'`);
      if (e.depth === undefined || !int(e.depth)) return bad(`${cw}: a violation needs its 'depth', a whole number`);
      if (e.kind !== undefined && !KINDS.includes(e.kind as string)) return bad(`${cw}: 'kind' must be one of ${KINDS.join(', ')}`);
      if (e.property !== undefined && typeof e.property !== 'string') return bad(`${cw}: 'property' must be a string`);
    } else if (e.observation !== undefined) {
      for (const key of Object.keys(e)) if (!['observation', 'states'].includes(key)) return bad(`${cw}: expect has unknown field '${key}'`);
      if (!['Never', 'Sometimes', 'Always'].includes(e.observation as string)) return bad(`${cw}: 'observation' must be "Never", "Sometimes" or "Always"`);
      if (!int(e.states)) return bad(`${cw}: 'states' must be a whole number`);
      if (!o.model.endsWith('.litmus')) return bad(`${cw}: an expected observation goes with a .litmus test`);
    } else return bad(`${cw}: expect.verdict must be "pass" or "violation" (or, for a .litmus test, expect.observation)`);
    if (o.model.endsWith('.litmus') && e.observation === undefined) return bad(`${cw}: a .litmus test expects an 'observation'`);
    if (o.model.endsWith('.litmus') && (k.const !== undefined || k.invariants !== undefined || k.properties !== undefined))
      return bad(`${cw}: 'const', 'invariants' and 'properties' do not apply to a .litmus test`);
    if (k.skip !== undefined && (typeof k.skip !== 'string' || !k.skip)) return bad(`${cw}: 'skip' is the reason the check is not run`);
    checks.push({
      name: k.name,
      description: k.description as string | undefined,
      const: consts as Record<string, string | number | boolean>,
      deadlock: k.deadlock !== false,
      invariants: k.invariants as string[] | undefined,
      properties: k.properties as string[] | undefined,
      liveness: k.liveness !== false,
      symmetry: k.symmetry !== false,
      maxStates: k.maxStates as number | undefined,
      memory: (k.memory as MemoryModelName | undefined) ?? 'sc',
      // A litmus test's default bound is its own (src/litmus): no behaviour is cut off.
      ...(o.model.endsWith('.litmus')
        ? k.storeBuffer !== undefined
          ? { storeBuffer: k.storeBuffer as number }
          : {}
        : memoryFields(k.memory as MemoryModelName | undefined, k.storeBuffer as number | undefined)),
      expect: e as SpecCheck['expect'],
      ...(k.skip !== undefined ? { skip: k.skip as string } : {}),
    });
  }
  return { spec: { file, model: resolve(dirname(file), o.model), checks } };
}

/** The store-buffer bound a check runs with (its default filled in), for a model with buffers. */
function memoryFields(name: MemoryModelName | undefined, storeBuffer: number | undefined): { storeBuffer?: number } {
  const spec = memorySpec(name ?? 'sc', storeBuffer);
  return spec.storeBuffer === undefined ? {} : { storeBuffer: spec.storeBuffer };
}
