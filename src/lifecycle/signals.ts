/** The signals the router handles for its whole life; none of them may fall back to its default action, which would orphan haproxy. */
export const HANDLED_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'] as const;
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** Where the router is in its life, as far as signals are concerned. */
export type Phase = 'running' | 'stopping' | 'stopping-now' | 'handing-over';
export type Action = 'stop' | 'stop-now' | 'hand-over' | 'ignore';

export interface Reaction {
  action: Action;
  phase: Phase;
  /** For the log line, after "<signal> received: ". */
  message: string;
}

/**
 * One meaning per signal. SIGTERM (systemd) and SIGINT (a terminal) stop
 * gracefully, and a second one stops haproxy at once. SIGUSR2 hands haproxy
 * over to the next router. SIGHUP means nothing here: the router follows
 * its sources by itself, and a closed terminal must not stop routing.
 */
export function reactTo(signal: HandledSignal, phase: Phase): Reaction {
  if (signal === 'SIGHUP') return { action: 'ignore', phase, message: 'ignored (SIGTERM or SIGINT stops the router, SIGUSR2 hands haproxy over)' };
  if (signal === 'SIGUSR2') {
    if (phase === 'running') return { action: 'hand-over', phase: 'handing-over', message: 'handing haproxy over to the next router on this working dir' };
    return { action: 'ignore', phase, message: `ignored: already ${describe(phase)}` };
  }
  if (phase === 'running') return { action: 'stop', phase: 'stopping', message: 'stopping gracefully (send it again to stop haproxy at once)' };
  if (phase === 'stopping-now') return { action: 'ignore', phase, message: `ignored: already ${describe(phase)}` };
  return { action: 'stop-now', phase: 'stopping-now', message: 'stopping haproxy now, without waiting' };
}

function describe(phase: Exclude<Phase, 'running'>): string {
  return { stopping: 'stopping', 'stopping-now': 'stopping haproxy now', 'handing-over': 'handing over' }[phase];
}
