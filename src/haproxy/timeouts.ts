/**
 * Every time budget of the haproxy edge in one place, so an operator reading
 * a shutdown or restart log can find what bounded it.
 */

/** How long `haproxy -v` may take at start before the binary is declared unusable. */
export const VERSION_CHECK_TIMEOUT_MS = 10_000;
/*
 * How long a config may take to parse, in `haproxy -c` or in a start or
 * reload (until the master lists the new worker). Parsing grows with the
 * routes and their certificates: 10,000 routes of the scale bench's mix
 * (3,500 certificate files) take 4.6 s of CPU on a 2-core host and three
 * times that in wall time when the host is busy; 100,000 routes ten times
 * as much. A master that fails to load says so at once (it exits, or counts
 * a failed reload), so these bound only a parse that hangs: too short, and
 * a large config could never load at all.
 */
export const CONFIG_CHECK_TIMEOUT_MS = 300_000;
export const START_TIMEOUT_MS = 300_000;
export const RELOAD_TIMEOUT_MS = 300_000;
/**
 * Poll period while waiting for the master to report a new worker: the
 * first, then a quarter longer each time up to the cap. A small config
 * loads in tens of milliseconds; at 10,000 routes a load takes seconds, and
 * a fixed 20 ms was hundreds of master connections per reload.
 */
export const PROC_POLL_INTERVAL_MS = 20;
export const PROC_POLL_MAX_INTERVAL_MS = 250;
/** One command on the master or admin socket. */
export const SOCKET_COMMAND_TIMEOUT_MS = 10_000;
/*
 * Graceful stop: ROUTER_GRACEFUL_SHUTDOWN_DELAY of serving on, then SIGUSR1 and
 * ROUTER_MAX_SHUTDOWN_TIMEOUT for workers to finish their connections (both
 * settings, see cli/flags.ts), then SIGTERM...
 */
/** ...and SIGKILL if the master is still there after this. Also the bound on a stop that skips the drain (a second signal). */
export const STOP_TERM_TIMEOUT_MS = 5_000;
/** SIGTERM is sent again this often until then: a master re-executing itself for a reload can lose it. */
export const STOP_TERM_RETRY_MS = 250;
/** SIGUSR1 (drain) is sent again this often while a stop drains, for the same reason. */
export const DRAIN_SIGNAL_RETRY_MS = 1_000;
/** A master left by a previous router must answer on its admin socket within this to be taken over. */
export const TAKEOVER_PROBE_TIMEOUT_MS = 2_000;
/** Restart backoff after haproxy dies: doubles from the initial delay up to the cap. */
export const RESTART_BACKOFF_INITIAL_MS = 250;
export const RESTART_BACKOFF_MAX_MS = 30_000;
/** A master that ran this long without dying resets the backoff. */
export const RESTART_BACKOFF_RESET_AFTER_MS = 60_000;
/**
 * How often haproxy's log channel is read while lines come (see
 * log-fifo.ts): with the pipe grown to 1 MiB, and when it could not be
 * grown from 64 KiB; and at the least while none come.
 */
export const LOG_FIFO_READ_MS = 20;
export const LOG_FIFO_SMALL_READ_MS = 3;
export const LOG_FIFO_IDLE_READ_MS = 50;
/** How long a stop waits for the log pipe's reading thread to read for the last time. */
export const LOG_FIFO_DRAIN_STOP_MS = 1_000;

/**
 * How long the worker may take to say which process it is before a reload
 * begins; past it the reload goes on, and changes that arrive meanwhile wait
 * for it (a worker that does not answer is no reason to hold a reload back).
 */
export const WORKER_PID_TIMEOUT_MS = 1_000;

/** How long a start waits for the master a previous router left to answer while it runs: a reload of 100,000 routes loads for about 20 s. */
export const PREDECESSOR_LOAD_WAIT_MS = 120_000;
