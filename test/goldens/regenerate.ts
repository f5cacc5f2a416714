// Rewrites every golden file from the current code: `npm run goldens`. Review the diff.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { goldenCases, ROOT } from './cases.ts';

for (const c of goldenCases()) {
  const path = join(ROOT, 'test/goldens', c.name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await c.produce());
  console.log(`wrote test/goldens/${c.name}`);
}

// The counterexample pages, rendered by headless Chromium (skipped, with a message, without it).
const { regenerateHtmlGoldens } = await import('./html-pages.ts');
await regenerateHtmlGoldens();
