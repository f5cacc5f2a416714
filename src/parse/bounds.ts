// The documented bounds on what a model may ask for (docs/limits.md). Each is checked where the
// model is read, checked or compiled, and exceeding one is a diagnostic at the place that does
// (exit 2), before any search: no input makes the tool overflow its stack, allocate without
// bound or run for ever before --time-limit and Ctrl-C are looked at.

/** Bytes of one model or imported file; larger files (and anything not a regular file) are refused. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** Nesting of expressions, statements and types (parentheses, operands of a chain, blocks, labels). */
export const MAX_NESTING = 200;
/** A constant or type defined through a chain of this many other constants or types. */
export const MAX_DEFINITION_CHAIN = 200;
/** Inline calls inside inline calls. */
export const MAX_INLINE_DEPTH = 64;
/** Statements of one process after every inline call and `for` loop is expanded. */
export const MAX_EXPANDED_STATEMENTS = 20_000;
/**
 * Statements of all process instances together (each instance is compiled on its own): the
 * generated code stays under about 8 MB and compiles in seconds (at 60,000 the generated step
 * function overflowed V8's stack).
 */
export const MAX_TOTAL_STATEMENTS = 20_000;
/** Values (scalars) of the whole state: every location, every instance's locals and pc. */
export const MAX_STATE_VALUES = 65_536;
/** Values of all the successors of one state together (each successor is a whole state): 128 MB. */
export const MAX_SUCCESSOR_VALUES = 1 << 25;
/** Instances of one process (the size of its parameter's type), and of all processes together. */
export const MAX_INSTANCES = 4096;
/** Values a quantifier ranges over, and values `any(T)` chooses from. */
export const MAX_DOMAIN = 65_536;
/** Values enumerated by nested quantifiers together (the work of evaluating one). */
export const MAX_QUANTIFIER_WORK = 1 << 20;
/** --store-buffer. */
export const MAX_STORE_BUFFER = 16;
/** Diagnostics printed for one input; the rest are counted, as compilers do. */
export const MAX_DIAGNOSTICS = 50;
/** Bytes of a saved trace file that `mmucheck trace` reads. */
export const MAX_TRACE_BYTES = 64 * 1024 * 1024;
