import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { codeOf } from '#shared/errors.js';

/** The file that says which process has a state directory open. */
export const LOCK_FILE = 'liqwatch.lock';

/** Another live process holds the state directory: opening it too would corrupt or crash both. */
export class StateDirInUseError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(`the state directory ${dir} is in use by another liqwatch (pid ${pid ?? 'unknown'})`);
    this.name = 'StateDirInUseError';
  }
}

export interface StateDirLock {
  release(): Promise<void>;
}

/**
 * Takes a state directory for this process: a lock file holding the pid, put in place by `link`, which
 * fails if the file exists and never shows a half-written one. dynalite keeps the directory's LevelDB
 * open, and a second process opening it dies inside dynalite's callbacks, so the second one is refused
 * here, before it starts. A lock left by a process that no longer runs is taken over.
 */
export async function lockStateDir(dir: string, pid = process.pid): Promise<StateDirLock> {
  const path = join(dir, LOCK_FILE);
  const mine = `${path}.${pid}`;
  await writeFile(mine, String(pid));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(mine, path);
        return { release: () => releaseIfOurs(path, pid) };
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
      const holder = await lockHolder(path);
      if (attempt > 0 || (holder !== null && isAlive(holder))) throw new StateDirInUseError(dir, holder);
      // Its process is gone (or the file names none): take the lock over, once.
      await rm(path, { force: true });
    }
  } finally {
    await rm(mine, { force: true });
  }
}

async function lockHolder(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** Signal 0 tests for a process without touching it; EPERM means it exists but is not ours. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

async function releaseIfOurs(path: string, pid: number): Promise<void> {
  if ((await lockHolder(path)) === pid) await rm(path, { force: true });
}
