import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** A lock older than this was left by a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;

type App = 'web' | 'merchant-portal';

function filesUnder(dir: string, keep: (name: string) => boolean = () => true): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && keep(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The app's own files, the kit both apps build on, and the API surface they import. */
function newestInput(app: App): number {
  const dir = join(ROOT, app);
  const files = [
    ...['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) => join(dir, f)),
    ...filesUnder(join(dir, 'src')),
    ...filesUnder(join(ROOT, 'web', 'kit', 'src')),
    join(ROOT, 'api', 'src', 'client.ts'),
    join(ROOT, 'api', 'src', 'labels.ts'),
    ...filesUnder(join(ROOT, 'api', 'src', 'modules'), (name) => name.endsWith('.schema.ts')),
  ];
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

function isFresh(app: App): boolean {
  try {
    return statSync(join(ROOT, app, 'dist', 'index.html')).mtimeMs >= newestInput(app);
  } catch {
    return false;
  }
}

function tryLock(lock: string): boolean {
  mkdirSync(dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS)
      rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/**
 * Builds `<app>/dist` with `npm run build -w <app>` when it is missing or older than its inputs.
 * It must finish before the platform starts (the API mounts an app only if its index.html exists);
 * E2E files may run in parallel, so a lock directory keeps it to one build at a time.
 */
export async function ensureAppBuilt(app: App): Promise<void> {
  if (isFresh(app)) return;
  const lock = join(ROOT, 'tests', '.artifacts', `${app}-build.lock`);
  while (!tryLock(lock)) await new Promise((resolve) => setTimeout(resolve, 250));
  try {
    if (!isFresh(app)) {
      // Vitest sets NODE_ENV=test, which Vite would bake into the bundle (Vant then gives every
      // field the same id, breaking labels). Build exactly as production does.
      execFileSync('npm', ['run', 'build', '--if-present', '-w', app], {
        cwd: ROOT,
        stdio: 'pipe',
        env: { ...process.env, NODE_ENV: 'production' },
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
