/**
 * NOTIFY_SOCKET as the `struct sockaddr_un` bytes `sendto` takes. systemd
 * hands out either a filesystem path or, prefixed with '@', a name in the
 * abstract namespace (a leading NUL byte on the wire); sd_notify accepts both,
 * so this does too.
 */

const AF_UNIX = 1;
/** `sun_path` is 108 bytes on Linux; a filesystem path also needs its terminating NUL in it. */
const SUN_PATH_BYTES = 108;
const FAMILY_BYTES = 2;

export type NotifyAddress = { ok: true; address: Uint8Array } | { ok: false; reason: string };

export function notifySocketAddress(value: string): NotifyAddress {
  const abstract = value.startsWith('@');
  if (!abstract && !value.startsWith('/')) {
    return { ok: false, reason: `NOTIFY_SOCKET=${JSON.stringify(value)} is neither an absolute path nor an abstract socket name (@name)` };
  }
  const name = Buffer.from(abstract ? value.slice(1) : value);
  // Abstract: NUL then the name, not terminated. Path: the path then its NUL.
  const pathBytes = name.length + 1;
  if (name.length === 0 || pathBytes > SUN_PATH_BYTES) {
    return { ok: false, reason: `NOTIFY_SOCKET=${JSON.stringify(value)} does not fit a unix socket address (1 to ${SUN_PATH_BYTES - 1} bytes)` };
  }
  const address = new Uint8Array(FAMILY_BYTES + pathBytes);
  // sa_family_t is in host byte order; Bun runs only on little-endian Linux (x64, arm64).
  new DataView(address.buffer).setUint16(0, AF_UNIX, true);
  address.set(name, abstract ? FAMILY_BYTES + 1 : FAMILY_BYTES);
  return { ok: true, address };
}
