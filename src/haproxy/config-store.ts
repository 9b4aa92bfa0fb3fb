import { chmod, link, lstat, mkdir, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { namesPatchedFrom, type RenderedFiles } from '../config/render.ts';
import { Holds } from './holds.ts';
import { inlineWriter, type BatchWriter } from './file-writer.ts';
import { PendingWrites, type WriteFailures } from './pending-writes.ts';
import { fileMode } from './replace-files.ts';

/** The router's user writes generations, its group (an operator, a log shipper) may read them, nobody else. */
const GENERATION_DIR_MODE = 0o750;

/** A subdirectory's files as written, by their name within it. */
type Subdirectory = Map<string, string>;

/** The files of a rendered set by subdirectory ("" for the generation's own). */
function bySubdirectory(files: RenderedFiles): Map<string, Subdirectory> {
  const groups = new Map<string, Subdirectory>([['', new Map()]]);
  for (const [name, text] of files) {
    const slash = name.indexOf('/');
    const sub = slash < 0 ? '' : name.slice(0, slash);
    let group = groups.get(sub);
    if (!group) groups.set(sub, (group = new Map()));
    group.set(slash < 0 ? name : name.slice(slash + 1), text);
  }
  return groups;
}

/**
 * The names whose text differs between two sets (a text kept from one to
 * the next is the same string: no compare of its contents). Of a patch
 * render, only the names it set: a change costs its own files, not a look
 * at every file of the configuration.
 */
function changedNames(before: RenderedFiles, after: RenderedFiles): string[] {
  const patched = namesPatchedFrom(after, before);
  if (patched) return [...patched].filter((name) => before.get(name) !== after.get(name));
  const names: string[] = [];
  for (const [name, text] of after) if (before.get(name) !== text) names.push(name);
  for (const name of before.keys()) if (!after.has(name)) names.push(name);
  return names;
}

function sameFiles(a: Subdirectory | undefined, b: Subdirectory): boolean {
  if (a === undefined || a.size !== b.size) return false;
  for (const [name, text] of b) if (a.get(name) !== text) return false;
  return true;
}

/**
 * The configuration on disk as numbered generations:
 *   <working-dir>/generations/<n>/{haproxy.config, *.map, error pages}
 *   <working-dir>/conf -> generations/<n>
 * A candidate is written to a fresh generation and checked there (relative
 * paths resolve against the config's own directory), then `conf` is swapped
 * with one rename, so haproxy never sees a half-written set of files and a
 * rejected candidate never touches what is running.
 *
 * A file in a subdirectory (`acl/x.acl`) lives in a directory of
 * `<working-dir>/shared/` that the generation links to (`acl ->
 * ../../shared/acl-<n>`): a generation whose files there are all the same
 * as the active one's links the same directory. Those are the files of
 * which there is one per backend, spares included (allowlists): hard-linking
 * each of them into every generation cost about 14 µs of the kernel's time
 * per file, per commit, which with 64 spares per shape doubled the CPU of
 * an endpoint change (BENCHMARKS.md).
 */
export class ConfigStore {
  readonly confLink: string;
  readonly configPath: string;
  private readonly generationsDir: string;
  private readonly sharedDir: string;
  private next = 1;
  private current: number | undefined;
  private previous: number | undefined;
  /** What each generation on disk was written with, by subdirectory, so the next one can link what did not change. */
  private readonly contents = new Map<number, Map<string, Subdirectory>>();
  /** The shared directory each generation's subdirectories link to. */
  private readonly sharedOf = new Map<number, Map<string, string>>();
  /** Each generation's files as one set, by their names in the generation. */
  private readonly written = new Map<number, RenderedFiles>();
  /** How many checks read each generation now: it is not written in place meanwhile. */
  private readonly holds = new Holds<number>();
  /** The last in-place update, until the next change of generation: what rollback restores. */
  private undo: { generation: number; names: string[]; before: RenderedFiles } | undefined;
  /** In-place updates not on disk yet: written before anything reads the generation (flush). */
  private readonly writes: PendingWrites;

  /**
   * `writer` writes the in-place updates (the router's: a thread of its own,
   * ThreadWriter); `alsoPending` are other writes the generations' files
   * refer to (certificates), flushed before them; `failures` hears of
   * in-place updates that could not be written when nothing waited for them.
   */
  constructor(
    readonly workingDir: string,
    writer: BatchWriter = inlineWriter,
    alsoPending: readonly { flush(): Promise<void> }[] = [],
    failures?: WriteFailures,
  ) {
    this.writes = new PendingWrites(
      writer,
      async () => {
        for (const p of alsoPending) await p.flush();
      },
      failures ? { failures } : {},
    );
    this.confLink = join(workingDir, 'conf');
    this.configPath = join(this.confLink, 'haproxy.config');
    this.generationsDir = join(workingDir, 'generations');
    this.sharedDir = join(workingDir, 'shared');
  }

  /** Prepares the directories and forgets generations (and shared directories) a previous run left behind. */
  async init(): Promise<void> {
    for (const d of [this.generationsDir, this.sharedDir]) {
      await mkdir(d, { recursive: true, mode: GENERATION_DIR_MODE });
      // mkdir leaves an existing directory's mode alone.
      await chmod(d, GENERATION_DIR_MODE);
    }
    const link = await lstat(this.confLink).catch(() => undefined);
    if (link && !link.isSymbolicLink()) {
      throw new Error(`${this.confLink} exists and is not a symlink managed by router; move it away or pick another --working-dir`);
    }
    const existing = (await readdir(this.generationsDir)).map(Number).filter((n) => Number.isInteger(n) && n > 0);
    this.next = Math.max(0, ...existing) + 1;
    const target = link ? await readlink(this.confLink) : undefined;
    const kept = new Set<string>();
    for (const n of existing) {
      if (target !== join('generations', String(n))) await this.remove(n);
      else for (const shared of await this.linkedShared(n)) kept.add(shared);
    }
    for (const name of await readdir(this.sharedDir)) if (!kept.has(name)) await rm(join(this.sharedDir, name), { recursive: true, force: true });
  }

  /** The shared directories a generation left by an earlier run links to. */
  private async linkedShared(generation: number): Promise<string[]> {
    const dir = this.generationDir(generation);
    const names: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) names.push(basename(await readlink(join(dir, entry.name))));
    }
    return names;
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
    // What links from the active generation must find there what `contents` says.
    await this.flush();
    const generation = this.next++;
    const dir = this.generationDir(generation);
    await mkdir(dir, { mode: GENERATION_DIR_MODE });
    const active = this.current === undefined ? undefined : this.contents.get(this.current);
    const activeShared = this.current === undefined ? undefined : this.sharedOf.get(this.current);
    const groups = bySubdirectory(files);
    const shared = new Map<string, string>();
    for (const [sub, group] of groups) {
      if (sub === '') {
        await this.fill(dir, group, active?.get(''), this.current === undefined ? undefined : this.generationDir(this.current));
        continue;
      }
      const before = activeShared?.get(sub);
      let name = before;
      if (name === undefined || !sameFiles(active?.get(sub), group)) {
        name = `${sub}-${generation}`;
        await mkdir(join(this.sharedDir, name), { mode: GENERATION_DIR_MODE });
        await this.fill(join(this.sharedDir, name), group, active?.get(sub), before === undefined ? undefined : join(this.sharedDir, before));
      }
      shared.set(sub, name);
      await symlink(join('..', '..', 'shared', name), join(dir, sub));
    }
    this.contents.set(generation, groups);
    this.sharedOf.set(generation, shared);
    this.written.set(generation, files);
    return { generation, configPath: join(dir, 'haproxy.config') };
  }

  /**
   * Keeps a generation from being written in place (a check reads it) until
   * the function it resolves to is called; resolves once what waited for it
   * is written. The hold starts at the call: updates meanwhile go to a new
   * generation.
   */
  async hold(generation: number): Promise<() => void> {
    const release = this.holds.hold(generation);
    try {
      await this.flush();
    } catch {
      // A check may start from a timer, where nothing would catch it: the files stay as an earlier change left them, each whole, and the writes wait for the next flush.
    }
    return release;
  }

  /** Writes the in-place updates still waiting, and the certificates they name first: before haproxy starts from `conf`, a check reads it, or the router stops. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /**
   * Makes the active generation hold `files`, for changes haproxy takes
   * through the runtime API (nothing loads them now; a restart or a reload
   * later must find them). The files that changed are written into the
   * active generation in place, so a change costs the files it touches,
   * however many the generation has, and not at once: within
   * FLUSH_DELAY_MS, or as soon as a check reads the generation, a new one
   * is staged or activated, or haproxy starts (flush), so a burst writes
   * each file once. A new generation instead (stage and activate) when a
   * check holds the active one, or a file in a shared subdirectory changed
   * (other generations link those directories).
   */
  async update(files: RenderedFiles): Promise<{ generation: number; configPath: string }> {
    const current = this.current;
    const before = current === undefined ? undefined : this.written.get(current);
    const names = before && !this.holds.has(current as number) ? changedNames(before, files) : undefined;
    if (current === undefined || !before || !names || names.some((name) => name.includes('/'))) {
      const staged = await this.stage(files);
      await this.activate(staged.generation);
      return staged;
    }
    this.writes.add(this.generationDir(current), names, files);
    this.written.set(current, files);
    this.noteReplaced(current, names, files);
    this.undo = { generation: current, names, before };
    return { generation: current, configPath: join(this.generationDir(current), 'haproxy.config') };
  }

  /** Writes `files` into `dir`, linking those with the same text in `fromDir` (`from` being what was written there). */
  private async fill(dir: string, files: Subdirectory, from: Subdirectory | undefined, fromDir: string | undefined): Promise<void> {
    await Promise.all(
      [...files].map(([name, text]) => {
        const path = join(dir, name);
        const mode = fileMode(name);
        if (fromDir !== undefined && from?.get(name) === text) return link(join(fromDir, name), path).catch(() => writeFile(path, text, { mode }));
        return writeFile(path, text, { mode });
      }),
    );
  }

  /** Records files of a generation's own directory replaced in place: the next generation links them from there. */
  private noteReplaced(generation: number, names: readonly string[], files: RenderedFiles): void {
    this.written.set(generation, files);
    const own = this.contents.get(generation)?.get('');
    for (const name of names) {
      const text = files.get(name);
      if (text === undefined) own?.delete(name);
      else own?.set(name, text);
    }
  }

  /** Points `conf` at a checked generation in one atomic rename. */
  async activate(generation: number): Promise<void> {
    await this.flush();
    this.undo = undefined;
    const tmp = `${this.confLink}.tmp`;
    await rm(tmp, { force: true });
    await symlink(join('generations', String(generation)), tmp);
    await rename(tmp, this.confLink);
    if (this.previous !== undefined && this.previous !== generation) await this.remove(this.previous);
    this.previous = this.current;
    this.current = generation;
    // Only the active generation is linked from or updated in place: the one before keeps its files on disk for a
    // rollback, not its texts in memory (a whole configuration after a reload). Back on it, the next change writes a new generation.
    if (this.previous !== undefined) this.forgetTexts(this.previous);
  }

  private forgetTexts(generation: number): void {
    this.contents.delete(generation);
    this.written.delete(generation);
  }

  /** Undoes the last in-place update, or goes back to the generation before the last activate (after haproxy refused to load it). */
  async rollback(): Promise<void> {
    const undo = this.undo;
    if (undo) {
      this.undo = undefined;
      // The files the last update touched go back (and those before it, waiting still, keep their texts in `before`).
      this.writes.add(this.generationDir(undo.generation), undo.names, undo.before);
      await this.flush();
      this.noteReplaced(undo.generation, undo.names, undo.before);
      return;
    }
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
    const shared = this.sharedOf.get(generation);
    this.forgetTexts(generation);
    this.sharedOf.delete(generation);
    await this.writes.drop(this.generationDir(generation));
    await rm(this.generationDir(generation), { recursive: true, force: true });
    for (const name of shared?.values() ?? []) {
      const used = [...this.sharedOf.values()].some((s) => [...s.values()].includes(name));
      if (!used) await rm(join(this.sharedDir, name), { recursive: true, force: true });
    }
  }
}
