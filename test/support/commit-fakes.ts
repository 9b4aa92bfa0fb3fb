import type { ConfigChecker, ConfigWriter, HaproxyProcess } from '../../src/commit/ports.ts';
import type { CertificateFile } from '../../src/config/model.ts';
import type { RenderedFiles } from '../../src/config/render.ts';
import type { UnwrittenFile } from '../../src/plan/quarantine.ts';
import type { CheckResult } from '../../src/haproxy/check-config.ts';
import type { ReloadResult } from '../../src/haproxy/supervisor.ts';
import { fakeAclsFromRendered, fakeBackendsFromConfig, FakeRuntimeSocket } from './runtime/fake-runtime-socket.ts';
import { fakeSslFromRendered } from './runtime/fake-ssl-store.ts';
import { configText } from '../../src/config/config-files.ts';
import { Holds } from '../../src/haproxy/holds.ts';

/** Generations and certificates in memory, with the same activate/rollback rules as the disk store. */
export class MemoryWriter implements ConfigWriter {
  readonly generations = new Map<number, RenderedFiles>();
  readonly certificates = new Map<string, string>();
  active: number | undefined;
  private previous: number | undefined;
  private next = 1;

  async stage(files: RenderedFiles) {
    const generation = this.next++;
    this.generations.set(generation, files);
    return { generation, configPath: `/memory/${generation}/haproxy.config` };
  }

  async activate(generation: number) {
    this.undo = undefined;
    this.previous = this.active;
    this.active = generation;
  }

  /** Generations a check reads now, and what the last in-place update replaced. */
  readonly holds = new Holds<number>();
  private undo: { generation: number; before: RenderedFiles } | undefined;
  /** How many updates went in place (no new generation). */
  inPlace = 0;

  async update(files: RenderedFiles) {
    const current = this.active;
    if (current === undefined || this.holds.has(current)) {
      const staged = await this.stage(files);
      await this.activate(staged.generation);
      return staged;
    }
    this.undo = { generation: current, before: this.generations.get(current) ?? new Map() };
    this.generations.set(current, files);
    this.inPlace++;
    return { generation: current, configPath: `/memory/${current}/haproxy.config` };
  }

  async hold(generation: number): Promise<() => void> {
    return this.holds.hold(generation);
  }

  async flush(): Promise<void> {}

  async rollback() {
    const undo = this.undo;
    this.undo = undefined;
    if (undo) {
      this.generations.set(undo.generation, undo.before);
      return;
    }
    if (this.previous === undefined) return;
    if (this.active !== undefined) this.generations.delete(this.active);
    this.active = this.previous;
    this.previous = undefined;
  }

  async discard(generation: number) {
    this.generations.delete(generation);
  }

  /** Certificate names the "disk" refuses, as a name it cannot hold. */
  readonly unwritable = new Set<string>();

  async writeCertificates(files: readonly CertificateFile[]) {
    const unwritten: UnwrittenFile[] = [];
    for (const f of files) {
      if (this.unwritable.has(f.name)) unwritten.push({ name: f.name, code: 'ENAMETOOLONG' });
      else this.certificates.set(f.name, f.pem);
    }
    return unwritten;
  }

  writeCertificatesLater(files: readonly CertificateFile[]) {
    for (const f of files) this.certificates.set(f.name, f.pem);
  }

  async pruneCertificates(keep: ReadonlySet<string>) {
    for (const name of this.certificates.keys()) if (!keep.has(name)) this.certificates.delete(name);
  }

  /** The files haproxy would load now. */
  activeFiles(): RenderedFiles {
    const files = this.active === undefined ? undefined : this.generations.get(this.active);
    if (!files) throw new Error('no active generation');
    return files;
  }
}

/** A `haproxy -c` that answers what the test says, and records what it was asked. */
export class FakeChecker implements ConfigChecker {
  readonly checked: string[] = [];
  /** Answers, in order; once used up, every check passes. */
  readonly answers: CheckResult[] = [];

  async check(configPath: string): Promise<CheckResult> {
    this.checked.push(configPath);
    return this.answers.shift() ?? { ok: true, output: [] };
  }
}

/**
 * haproxy as the commit path sees it: each load (start or reload) puts the
 * active generation's backends and certificates into a fresh fake runtime
 * socket at `socketPath`, as a new worker would hold them.
 */
export class FakeHaproxy implements HaproxyProcess {
  supervising = false;
  running = false;
  socket: FakeRuntimeSocket | undefined;
  starts = 0;
  reloads = 0;
  /** Answers for the next reloads, in order; once used up, reloads succeed. */
  readonly reloadAnswers: ReloadResult[] = [];
  /** Errors the next starts reject with, in order (as a master that exits on a config it refuses); once used up, starts succeed. */
  readonly startFailures: string[] = [];
  /** A haproxy of a previous router still serves: a start takes over from it. */
  predecessor = false;
  private pid = 100;

  constructor(
    private readonly writer: MemoryWriter,
    private readonly socketPath: string,
  ) {}

  servingPredecessor(): boolean {
    return this.predecessor;
  }

  async start(): Promise<void> {
    const failure = this.startFailures.shift();
    if (failure !== undefined) throw new Error(failure);
    await this.load();
    this.starts++;
    this.supervising = true;
    this.running = true;
  }

  async reload(): Promise<ReloadResult> {
    this.reloads++;
    const answer = this.reloadAnswers.shift();
    if (answer) return answer;
    await this.load();
    return { ok: true, workerPid: ++this.pid };
  }

  /** As the supervisor after a death: the restarted worker loads what is active now. */
  async restart(): Promise<void> {
    await this.load();
  }

  async stop(): Promise<void> {
    await this.socket?.stop();
  }

  private async load(): Promise<void> {
    await this.socket?.stop();
    const files = this.writer.activeFiles();
    this.socket = await FakeRuntimeSocket.start(
      this.socketPath,
      fakeBackendsFromConfig(configText(files)),
      fakeSslFromRendered(files),
      fakeAclsFromRendered(files),
    );
  }
}
