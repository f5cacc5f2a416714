#!/usr/bin/env node
// Entry point: run the compiled CLI (dist/, built by `npm run build`). In a checkout whose
// dist/ is missing or older than src/, run the TypeScript sources through tsx instead (a
// devDependency), so a developer or a test never runs stale code. An installed package has
// no src/ and always runs dist/.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const compiled = new URL('dist/cli/main.js', root);

function builtFromSources() {
  const src = new URL('src/', root);
  if (!existsSync(src)) return true;
  if (!existsSync(compiled)) return false;
  const built = statSync(compiled).mtimeMs;
  return readdirSync(src, { recursive: true }).every((f) => statSync(new URL(String(f), src)).mtimeMs <= built);
}

// `mmucheck models | head`: a closed pipe ends the output, not with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });

let entry = compiled;
if (!builtFromSources()) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('src/cli/main.ts', root);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv);
