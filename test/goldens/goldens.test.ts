import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenCases, ROOT } from './cases.ts';

describe('golden files (regenerate with npm run goldens, then review the diff)', () => {
  for (const c of goldenCases()) {
    it(c.name, async () => {
      const expected = readFileSync(join(ROOT, 'test/goldens', c.name), 'utf8');
      expect(await c.produce()).toBe(expected);
    });
  }
});
