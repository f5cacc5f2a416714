// mmucheck as users install it: the package ships compiled JavaScript and runs with no
// TypeScript tooling; its worker threads say when they are ready. These tests run the build
// in dist/ (`npm test` builds it first; alone: `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mmucheck.js');
const DIST = join(ROOT, 'dist');

/** Whether dist/ was built from the sources as they are (then bin/mmucheck.js runs it). */
function distIsFresh(): boolean {
  const main = join(DIST, 'cli', 'main.js');
  if (!existsSync(main)) return false;
  const built = statSync(main).mtimeMs;
  return readdirSync(join(ROOT, 'src'), { recursive: true }).every((f) => statSync(join(ROOT, 'src', String(f))).mtimeMs <= built);
}

// A module hook that refuses to load TypeScript tooling: what runs under it is the compiled
// package only (the hook is inherited by the worker threads through execArgv).
const NO_TS_TOOLING = `data:text/javascript,${encodeURIComponent(
  `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { if (/^(tsx|typescript|esbuild)(\\\\/|$)/.test(s)) throw new Error('TypeScript tooling at run time: ' + s); return next(s, c); }"));`,
)}`;

function runCompiled(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, ['--import', NO_TS_TOOLING, BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('the package', () => {
  it('dist/ is built from the current sources (run `npm run build`)', () => {
    expect(distIsFresh()).toBe(true);
  });

  it('packs compiled code, models and specs, and no tests, sources or CI files', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    for (const f of [
      'bin/mmucheck.js',
      'dist/cli/main.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/explore/worker-entry.js',
      'models/bbm-stage2-leaf.mmu',
      'models/lib/tlb.mmu',
      'specs/bbm-stage2-leaf.json',
      'README.md',
      'package.json',
    ])
      expect(files).toContain(f);
    expect(files.filter((f) => /^(test|src|bench|\.ci)\//.test(f))).toEqual([]);
  });

  it('needs no TypeScript tooling at run time', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    for (const dev of ['tsx', 'typescript']) expect(Object.keys(pkg.devDependencies)).toContain(dev);
    expect(pkg.bin.mmucheck).toBe('bin/mmucheck.js');
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    const r = runCompiled(['--version']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(pkg.version);
    // With worker threads (the search hands over to them after about a second).
    const c = runCompiled(['check', 'models/examples/token-pool.mmu', '--const', 'P=6', '--time-limit', '3', '--workers', '2', '--json', '--quiet']);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(3);
    expect(JSON.parse(c.stdout)).toMatchObject({ verdict: 'incomplete', stopReason: 'time-limit', workers: 2 });
  });

  it('works without the optional native msgpack addon (msgpackr falls back to JavaScript)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmucheck-pkg-'));
    const file = join(dir, 't.mp');
    const env = { ...process.env, NO_COLOR: '1', MSGPACKR_NATIVE_ACCELERATION_DISABLED: 'true' };
    const w = spawnSync(
      process.execPath,
      [BIN, 'check', 'models/examples/bbm-leaf-mini.mmu', '--const', 'BREAK=Plain', '--trace', 'msgpack', '--trace-out', file],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env,
      },
    );
    expect(w.status).toBe(1);
    const t = spawnSync(process.execPath, [BIN, 'trace', file, '--format', 'text', '--model', 'models/examples/bbm-leaf-mini.mmu'], {
      cwd: ROOT,
      encoding: 'utf8',
      env,
    });
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/owners = owners \+ 1/);
  });
});

describe('worker threads', () => {
  it('a search stopped while its threads start never kills the process (50 runs, compiled)', () => {
    // The threads start about 300 ms into a search and load their modules within a few hundred
    // more; time limits from 0.1 s to 0.5 s stop the search before, while and after they do.
    // Closing the pool waits for each thread's ready message before terminating it.
    const outcomes = new Map<string, number>();
    for (let k = 0; k < 50; k++) {
      const limit = ['0.1', '0.1', '0.3', '0.4', '0.5'][k % 5];
      const r = runCompiled(['check', 'models/examples/token-pool.mmu', '--const', 'P=6', '--time-limit', limit, '--workers', '2', '--quiet']);
      const key = `exit ${r.code}, signal ${r.signal}${r.stderr ? `, ${r.stderr.trim().split('\n')[0]}` : ''}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ 'exit 3, signal null': 50 });
  }, 600_000);
});
