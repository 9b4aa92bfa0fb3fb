import { join } from 'node:path';
import type { SystemdHost } from '../systemd-host.ts';

/** The test's end of traffic-agent.ts, run in a systemd host's network. */
export interface TrafficAgent {
  /** The backend's port, on the host's loopback. */
  readonly backendPort: number;
  /** Sends one command and waits for its answer. */
  ask<T = Record<string, unknown>>(command: 'get' | 'load' | 'progressed' | 'hold' | 'release' | 'stop'): Promise<T>;
  close(): Promise<void>;
}

export async function startTrafficAgent(host: SystemdHost, routeHost: string): Promise<TrafficAgent> {
  const proc = host.spawnInNetwork([process.execPath, join(import.meta.dir, 'traffic-agent.ts'), routeHost]);
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the traffic agent exited');
      buffered += decoder.decode(value, { stream: true });
    }
  };
  const { port } = JSON.parse(await nextLine()) as { port: number };
  return {
    backendPort: port,
    async ask<T>(command: string) {
      proc.stdin.write(`${command}\n`);
      proc.stdin.flush();
      const answer = JSON.parse(await nextLine()) as T & { error?: string };
      if (answer && typeof answer === 'object' && 'error' in answer && answer.error) throw new Error(`traffic agent, ${command}: ${answer.error}`);
      return answer;
    },
    async close() {
      proc.kill('SIGKILL');
      await proc.exited;
    },
  };
}
