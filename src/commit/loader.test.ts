import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { FakeChecker, FakeHaproxy, MemoryWriter } from '../../test/support/commit-fakes.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { loadConfiguration, type LoaderDeps } from './loader.ts';

const files = new Map([['haproxy.config', 'global\n']]);
let dir: ReturnType<typeof shortTempDir>;
let writer: MemoryWriter;
let checker: FakeChecker;
let haproxy: FakeHaproxy;
let starts: number;

beforeEach(() => {
  dir = shortTempDir('load');
  writer = new MemoryWriter();
  checker = new FakeChecker();
  haproxy = new FakeHaproxy(writer, join(dir.path, 'admin.sock'));
  starts = 0;
});

afterEach(async () => {
  await haproxy.stop();
  dir.remove();
});

const deps = (): LoaderDeps => ({ writer, checker, haproxy, loadStarting: () => starts++, now: () => 0 });

describe('loadConfiguration', () => {
  test('the first load with nothing serving starts haproxy without a separate check: its own load checks', async () => {
    const { result } = await loadConfiguration(deps(), files);
    expect(result).toEqual({ kind: 'started', generation: 1 });
    expect(writer.active).toBe(1);
    expect(checker.checked).toEqual([]);
    expect(starts).toBe(1);
  });

  test('a first start that fails is checked: a refusal is a verdict, any other failure stays the start\'s error', async () => {
    haproxy.startFailures.push('haproxy exited (code 1)');
    checker.answers.push({ ok: false, output: ['[ALERT] bad'] });
    expect((await loadConfiguration(deps(), files)).result).toEqual({ kind: 'refused', output: ['[ALERT] bad'] });
    expect(checker.checked).toEqual(['/memory/1/haproxy.config']);
    expect(starts).toBe(0);
    haproxy.startFailures.push('cannot bind socket');
    await expect(loadConfiguration(deps(), files)).rejects.toThrow('cannot bind socket');
  });

  test('with a previous haproxy still serving, the first load is checked before it takes over', async () => {
    haproxy.predecessor = true;
    checker.answers.push({ ok: false, output: ['[ALERT] bad'] });
    expect((await loadConfiguration(deps(), files)).result).toEqual({ kind: 'refused', output: ['[ALERT] bad'] });
    expect(haproxy.starts).toBe(0);
    expect((await loadConfiguration(deps(), files)).result.kind).toBe('started');
    expect(checker.checked).toHaveLength(2);
  });

  test('later loads reload the running haproxy', async () => {
    await loadConfiguration(deps(), files);
    const { result } = await loadConfiguration(deps(), files);
    expect(result.kind).toBe('reloaded');
    expect(haproxy.reloads).toBe(1);
    expect(starts).toBe(2);
  });

  test('a candidate haproxy refuses is discarded and nothing else changes', async () => {
    await loadConfiguration(deps(), files);
    checker.answers.push({ ok: false, output: ['[ALERT] bad'] });
    const { result } = await loadConfiguration(deps(), files);
    expect(result).toEqual({ kind: 'refused', output: ['[ALERT] bad'] });
    expect(writer.active).toBe(1);
    expect(writer.generations.has(2)).toBe(false);
    expect(haproxy.reloads).toBe(0);
  });

  test('a check that could not run (no alert) is not a verdict', async () => {
    haproxy.predecessor = true;
    checker.answers.push({ ok: false, output: ['cannot run haproxy: ENOENT'] });
    expect((await loadConfiguration(deps(), files)).result.kind).toBe('unchecked');
    expect(haproxy.starts).toBe(0);
  });

  test('while haproxy restarts after a death, the generation is activated for the restart to load', async () => {
    await loadConfiguration(deps(), files);
    haproxy.running = false;
    const { result } = await loadConfiguration(deps(), files);
    expect(result).toEqual({ kind: 'pending', generation: 2 });
    expect(writer.active).toBe(2);
    expect(haproxy.reloads).toBe(0);
  });

  test('a failed reload rolls the disk back; a master that died during it leaves the generation for its restart', async () => {
    await loadConfiguration(deps(), files);
    haproxy.reloadAnswers.push({ ok: false, message: 'no new worker' });
    expect((await loadConfiguration(deps(), files)).result).toEqual({ kind: 'failed', generation: 2, message: 'no new worker' });
    expect(writer.active).toBe(1);
    haproxy.reloadAnswers.push({ ok: false, message: 'socket closed' });
    const reload = haproxy.reload.bind(haproxy);
    haproxy.reload = async () => {
      haproxy.running = false;
      return reload();
    };
    expect((await loadConfiguration(deps(), files)).result).toEqual({ kind: 'died', generation: 3, message: 'socket closed' });
    expect(writer.active).toBe(3);
  });
});
