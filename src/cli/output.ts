// Colour and terminal decisions, made once per run.
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance } from 'chalk';
import { DEFAULT_TABLE_WIDTH } from '../report/trace.ts';

/**
 * --color and --no-color decide; else NO_COLOR turns colour off; else chalk's detection of the
 * stream decides (a terminal that is not TERM=dumb, FORCE_COLOR, CI services).
 */
export function colorFor(stream: NodeJS.WriteStream, flag: boolean | undefined): ChalkInstance {
  const detected = (stream === process.stderr ? supportsColorStderr : stream === process.stdout ? supportsColor : false) || { level: 0 as const };
  let level: 0 | 1 | 2 | 3 = 0;
  if (flag === true) level = Math.max(1, detected.level) as 1 | 2 | 3;
  else if (flag === false) level = 0;
  else if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') level = 0;
  else level = detected.level;
  return new Chalk({ level });
}

/** The width a counterexample table is fitted to: the terminal's, or DEFAULT_TABLE_WIDTH off a terminal. */
export function tableWidth(stream: NodeJS.WriteStream): number {
  return stream.isTTY && stream.columns > 0 ? stream.columns : DEFAULT_TABLE_WIDTH;
}

export function version(): string {
  return VERSION;
}

// Kept in step with package.json by a test.
export const VERSION = '0.1.0';
