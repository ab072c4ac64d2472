import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const WEB = join(ROOT, 'web');
const BUILT_INDEX = join(WEB, 'dist', 'index.html');
const LOCK = join(ROOT, 'tests', '.artifacts', 'web-build.lock');
/** A lock older than this was left by a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;

function newestInput(): number {
  const inputs = ['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) =>
    join(WEB, f),
  );
  const sources = readdirSync(join(WEB, 'src'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  return Math.max(...[...inputs, ...sources].map((file) => statSync(file).mtimeMs));
}

function isFresh(): boolean {
  try {
    return statSync(BUILT_INDEX).mtimeMs >= newestInput();
  } catch {
    return false;
  }
}

function tryLock(): boolean {
  mkdirSync(dirname(LOCK), { recursive: true });
  try {
    mkdirSync(LOCK);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS)
      rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/**
 * Builds `web/dist` with `npm run build -w web` when it is missing or older than its sources.
 * E2E files run in parallel, so a lock directory keeps it to one build at a time.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (isFresh()) return;
  while (!tryLock()) await new Promise((resolve) => setTimeout(resolve, 250));
  try {
    if (!isFresh()) {
      // Vitest sets NODE_ENV=test, which Vite would bake into the bundle (Vant then gives every
      // field the same id, breaking labels). Build exactly as production does.
      execFileSync('npm', ['run', 'build', '-w', 'web'], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, NODE_ENV: 'production' },
      });
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
