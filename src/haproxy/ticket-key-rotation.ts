import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { socketCommand } from './runtime-api/socket-command.ts';
import { freshTicketKey, loadTicketKeys, rotatedKeys, saveTicketKeys } from './ticket-keys.ts';

/** `show tls-keys <file>` lists `<ref>.<n> <key>` lines, oldest first, as the file lists them. */
export function parseShowTlsKeys(reply: string): string[] {
  return reply
    .split('\n')
    .map((line) => /^\d+\.\d+ (\S+)$/.exec(line.trim())?.[1])
    .filter((key): key is string => key !== undefined);
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * What the running worker needs once the file holds `after`: the key added
 * if it still holds `before`, nothing if it loaded the new file meanwhile (a
 * reload or restart), and anything else (a reload raced an earlier
 * rotation) a resync: every key of the file set in turn, which leaves the
 * ring as a load of the file would. Without it the worker would keep its
 * keys until its next load, which with runtime updates can be days.
 */
export function workerStep(held: readonly string[], before: readonly string[], after: readonly string[]): 'add-key' | 'has-them' | 'resync' {
  if (same(held, after)) return 'has-them';
  return same(held, before) ? 'add-key' : 'resync';
}

export type RotationOutcome = 'rotated' | 'resynced' | 'worker-had-them' | 'worker-unreachable' | 'worker-out-of-step';

export interface TicketKeyRotation {
  /** One rotation now: the file first, then the running worker. */
  rotate(): Promise<RotationOutcome>;
  stop(): void;
}

/**
 * Rotates the TLS ticket keys every `intervalMs`, so a key encrypts tickets
 * for one interval and is forgotten two intervals later, instead of living
 * as long as the router. The file is written first: a worker that loads it
 * meanwhile (reload, restart) already has the new ring, which `show
 * tls-keys` tells apart from the old one before `set ssl tls-key` is sent.
 * Key material never reaches a log line.
 */
export function startTicketKeyRotation(opts: { path: string; adminSocket: string; intervalMs: number; logger: Logger }): TicketKeyRotation {
  const log = opts.logger.withTag('tls-keys');
  let running = Promise.resolve<unknown>(undefined);

  async function rotateOnce(): Promise<RotationOutcome> {
    const before = await loadTicketKeys(opts.path);
    const fresh = freshTicketKey();
    const after = rotatedKeys(before, fresh);
    await saveTicketKeys(opts.path, after);
    let held: string[];
    try {
      held = parseShowTlsKeys(await socketCommand(opts.adminSocket, `show tls-keys ${opts.path}`));
    } catch {
      return 'worker-unreachable';
    }
    // A reload landing between this show and the set below would get the key twice: encryption moves one key
    // early and tickets of the key that left fall back to a full handshake, once; the next load reads the file.
    const step = workerStep(held, before, after);
    if (step === 'has-them') return 'worker-had-them';
    for (const key of step === 'add-key' ? [fresh] : after) {
      // The command holds the key: errors are reported without it.
      const reply = await socketCommand(opts.adminSocket, `set ssl tls-key ${opts.path} ${key}`).catch(() => 'no reply');
      if (!reply.includes('TLS ticket key updated')) return 'worker-out-of-step';
    }
    return step === 'add-key' ? 'rotated' : 'resynced';
  }

  const rotate = () => {
    const next = running.then(rotateOnce);
    running = next.catch(() => undefined);
    return next;
  };
  const timer = setInterval(() => {
    rotate().then(
      (outcome) => {
        if (outcome === 'worker-out-of-step') log.warn('the running haproxy did not take the new TLS ticket keys; it loads them from the file at its next reload');
        else if (outcome === 'resynced') log.warn('the running haproxy held other TLS ticket keys than the file (a reload raced a rotation); it was given the file\'s keys');
        else log.info(`TLS ticket keys rotated (${outcome === 'worker-unreachable' ? 'haproxy loads them when it starts' : 'live'})`);
      },
      (err: unknown) => log.error(`rotating the TLS ticket keys failed: ${errorMessage(err)}`),
    );
  }, opts.intervalMs);
  // A pending rotation must not keep a stopping router alive.
  timer.unref();
  return { rotate, stop: () => clearInterval(timer) };
}
