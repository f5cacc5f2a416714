// Rewrites the golden text of the counterexample pages (test/goldens/html/*.txt, what headless
// Chromium renders of each) and the README's screenshot (docs/counterexample-page.png). Run by
// `npm run goldens`; needs chromium (without it, says so and writes nothing).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, findChromium, NO_CHROMIUM } from '../html/chromium.ts';
import { goldenText, PAGE_CASES, ROOT, writePage } from '../html/pages.ts';

/** The page the README shows: a real MMU counterexample under arm, opened at its last step. */
export const SCREENSHOT_CASE = PAGE_CASES[1];
export const SCREENSHOT = { width: 1200, height: 640 };

export async function regenerateHtmlGoldens(): Promise<void> {
  const executable = findChromium();
  if (!executable) {
    console.log(`skipped test/goldens/html and docs/counterexample-page.png: ${NO_CHROMIUM}`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mmucheck-pages-'));
  const browser = Browser.launch(executable);
  try {
    mkdirSync(join(ROOT, 'test/goldens/html'), { recursive: true });
    for (const c of PAGE_CASES) {
      writeFileSync(join(ROOT, 'test/goldens/html', `${c.name}.txt`), await goldenText(browser, c, join(dir, `${c.name}.html`)));
      console.log(`wrote test/goldens/html/${c.name}.txt`);
    }
    const file = join(dir, 'screenshot.html');
    writePage(SCREENSHOT_CASE, file);
    const page = await browser.open(file, SCREENSHOT);
    await page.evaluate('document.fonts.ready.then(() => true)');
    writeFileSync(join(ROOT, 'docs/counterexample-page.png'), await page.screenshot());
    console.log('wrote docs/counterexample-page.png');
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await regenerateHtmlGoldens();
