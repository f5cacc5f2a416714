// Colour and terminal decisions, made once per run.
import { Chalk, type ChalkInstance } from 'chalk';

export function colorFor(stream: NodeJS.WriteStream, flag: boolean | undefined): ChalkInstance {
  let level: 0 | 1 | 2 | 3 = 0;
  if (flag === true) level = 1;
  else if (flag === false) level = 0;
  else if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') level = 0;
  else if (stream.isTTY) level = 1;
  return new Chalk({ level });
}

export function version(): string {
  return VERSION;
}

// Kept in step with package.json by a test.
export const VERSION = '0.1.0';
