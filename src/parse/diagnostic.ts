// User mistakes are values with places; every stage returns them, one renderer prints them.
import type { Span } from './source.ts';

export interface Diagnostic {
  readonly code: string; // stable identifier, e.g. "syntax", "unknown-name"
  readonly message: string;
  readonly span?: Span;
  readonly notes?: readonly string[];
  readonly hint?: string;
}

export function diag(code: string, message: string, span?: Span, extra?: { notes?: string[]; hint?: string }): Diagnostic {
  return { code, message, span, ...extra };
}

/** Thrown inside a stage to abandon the current construct; caught at the stage's recovery point. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}
