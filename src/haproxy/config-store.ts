import { chmod, link, lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedFiles } from '../config/render.ts';

/**
 * Generations hold every route's hosts, paths and backends: the router's
 * user writes them, its group (an operator, a log shipper) may read them,
 * nobody else. Keys are the owner's alone.
 */
const GENERATION_DIR_MODE = 0o750;
const GENERATION_FILE_MODE = 0o640;
const KEY_FILE_MODE = 0o600;

/**
 * The configuration on disk as numbered generations:
 *   <working-dir>/generations/<n>/{haproxy.config, *.map, error pages}
 *   <working-dir>/conf -> generations/<n>
 * A candidate is written to a fresh generation and checked there (relative
 * paths resolve against the config's own directory), then `conf` is swapped
 * with one rename, so haproxy never sees a half-written set of files and a
 * rejected candidate never touches what is running.
 */
export class ConfigStore {
  readonly confLink: string;
  readonly configPath: string;
  private readonly generationsDir: string;
  private next = 1;
  private current: number | undefined;
  private previous: number | undefined;
  /** What each generation on disk was written with, so the next one can link what did not change. */
  private readonly contents = new Map<number, RenderedFiles>();

  constructor(readonly workingDir: string) {
    this.confLink = join(workingDir, 'conf');
    this.configPath = join(this.confLink, 'haproxy.config');
    this.generationsDir = join(workingDir, 'generations');
  }

  /** Prepares the directories and forgets generations a previous run left behind. */
  async init(): Promise<void> {
    await mkdir(this.generationsDir, { recursive: true, mode: GENERATION_DIR_MODE });
    // mkdir leaves an existing directory's mode alone.
    await chmod(this.generationsDir, GENERATION_DIR_MODE);
    const link = await lstat(this.confLink).catch(() => undefined);
    if (link && !link.isSymbolicLink()) {
      throw new Error(`${this.confLink} exists and is not a symlink managed by router; move it away or pick another --working-dir`);
    }
    const existing = (await readdir(this.generationsDir)).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    this.next = Math.max(0, ...existing) + 1;
    const target = link ? await readlink(this.confLink) : undefined;
    for (const n of existing) if (target !== join('generations', String(n))) await this.remove(n);
  }

  generationDir(n: number): string {
    return join(this.generationsDir, String(n));
  }

  /**
   * Writes a candidate generation and returns its number and config path.
   * A file with the same contents as in the active generation is linked
   * from there rather than written: a change to a few routes writes a few
   * files, however many the configuration has.
   */
  async stage(files: RenderedFiles): Promise<{ generation: number; configPath: string }> {
    const generation = this.next++;
    const dir = this.generationDir(generation);
    await mkdir(dir, { mode: GENERATION_DIR_MODE });
    const active = this.current === undefined ? undefined : this.contents.get(this.current);
    const from = this.current === undefined ? undefined : this.generationDir(this.current);
    await Promise.all(
      [...files].map(([name, text]) => {
        const path = join(dir, name);
        const mode = name.endsWith('.pem') ? KEY_FILE_MODE : GENERATION_FILE_MODE;
        if (from !== undefined && active?.get(name) === text) return link(join(from, name), path).catch(() => writeFile(path, text, { mode }));
        return writeFile(path, text, { mode });
      }),
    );
    this.contents.set(generation, files);
    return { generation, configPath: join(dir, 'haproxy.config') };
  }

  /** Points `conf` at a checked generation in one atomic rename. */
  async activate(generation: number): Promise<void> {
    const tmp = `${this.confLink}.tmp`;
    await rm(tmp, { force: true });
    await symlink(join('generations', String(generation)), tmp);
    await rename(tmp, this.confLink);
    if (this.previous !== undefined && this.previous !== generation) await this.remove(this.previous);
    this.previous = this.current;
    this.current = generation;
  }

  /** Goes back to the generation before the last activate (after haproxy refused to load it). */
  async rollback(): Promise<void> {
    const failed = this.current;
    if (this.previous === undefined || failed === undefined) return;
    const back = this.previous;
    this.current = undefined;
    this.previous = undefined;
    await this.activate(back);
    await this.remove(failed);
  }

  async discard(generation: number): Promise<void> {
    await this.remove(generation);
  }

  private async remove(generation: number): Promise<void> {
    this.contents.delete(generation);
    await rm(this.generationDir(generation), { recursive: true, force: true });
  }
}
