// Rewrites every golden file from the current code: `npm run goldens`. Review the diff.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenCases, ROOT } from './cases.ts';

for (const c of goldenCases()) {
  writeFileSync(join(ROOT, 'test/goldens', c.name), await c.produce());
  console.log(`wrote test/goldens/${c.name}`);
}
