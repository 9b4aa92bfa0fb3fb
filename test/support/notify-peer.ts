/**
 * Stands in for systemd's notification socket: a real unix datagram socket
 * (Bun has none, so python3 binds it) that reports every message with the PID
 * the kernel attached to it (SCM_CREDENTIALS), which is how systemd decides
 * whether a message came from the unit's main process.
 */

const PEER = `
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
name = sys.argv[1]
s.bind("\\0" + name[1:] if name.startswith("@") else name)
print(json.dumps({"bound": name}), flush=True)
while True:
    data, ancillary, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = next(struct.unpack("i", d[:4])[0] for (level, kind, d) in ancillary if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS)
    print(json.dumps({"pid": pid, "message": data.decode()}), flush=True)
`;

export interface Notification {
  pid: number;
  message: string;
}

export interface NotifyPeer {
  /** What to put in NOTIFY_SOCKET: a path, or @name for the abstract namespace. */
  readonly socket: string;
  readonly received: Notification[];
  /** Resolves with the first notification (already received or future) whose message is `message`. */
  waitFor(message: string): Promise<Notification>;
  stop(): void;
  /** Resolves once the peer's process is gone. */
  readonly exited: Promise<number>;
}

export async function startNotifyPeer(socket: string): Promise<NotifyPeer> {
  const proc = Bun.spawn(['python3', '-c', PEER, socket], { stdout: 'pipe', stderr: 'inherit' });
  const received: Notification[] = [];
  let waiters: { message: string; resolve: (n: Notification) => void }[] = [];
  let bound!: () => void;
  const isBound = new Promise<void>((resolve) => (bound = resolve));
  void (async () => {
    let buffered = '';
    for await (const chunk of proc.stdout.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const record = JSON.parse(line) as Notification | { bound: string };
        if ('bound' in record) {
          bound();
          continue;
        }
        received.push(record);
        waiters = waiters.filter((w) => (w.message === record.message ? (w.resolve(record), false) : true));
      }
    }
  })();
  const exited = proc.exited.then((code) => {
    throw new Error(`notification peer exited (${code}) before binding ${socket}`);
  });
  await Promise.race([isBound, exited]);
  return {
    socket,
    received,
    waitFor(message) {
      const found = received.find((n) => n.message === message);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ message, resolve }));
    },
    stop: () => proc.kill('SIGKILL'),
    exited: proc.exited,
  };
}
