import type { Logger } from '../log.ts';

/** haproxy's own severity prefixes on stderr, and syslog levels on `log stdout`. */
const LEVELS: readonly [RegExp, 'error' | 'warn' | 'info' | 'debug'][] = [
  [/^\[(ALERT|EMERG|CRIT|ERR)\]|^<[0-3]>/, 'error'],
  [/^\[WARNING\]|^<4>/, 'warn'],
  [/^\[(NOTICE|INFO)\]|^<[56]>/, 'info'],
  [/^\[DEBUG\]|^<7>/, 'debug'],
];

export function levelOf(line: string): 'error' | 'warn' | 'info' | 'debug' {
  for (const [pattern, level] of LEVELS) if (pattern.test(line)) return level;
  return 'info';
}

/**
 * Forwards haproxy's stdout/stderr to the router's logger line by line, so
 * haproxy's alerts and notices reach journald (or the JSON log) tagged,
 * without syslog.
 */
export async function pipeLines(stream: ReadableStream<Uint8Array>, logger: Logger, onLine?: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  const emit = (line: string) => {
    const text = line.trimEnd();
    if (text === '') return;
    logger[levelOf(text)](text);
    onLine?.(text);
  };
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      emit(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  }
  emit(pending + decoder.decode());
}
