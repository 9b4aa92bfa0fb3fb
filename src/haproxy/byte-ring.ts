/**
 * A ring of bytes in shared memory between two threads: one writes, the
 * other reads, and neither ever waits for the other. Each side owns one
 * position (bytes ever put in, bytes ever taken out: they only grow), which
 * it stores through Atomics after the bytes it counts, so the other side
 * sees a position only once those bytes are there.
 */
export class ByteRing {
  /** [written, read]: bytes ever put in, bytes ever taken out. */
  private readonly positions: BigInt64Array;
  private readonly data: Uint8Array;

  constructor(readonly shared: { data: SharedArrayBuffer; positions: SharedArrayBuffer }) {
    this.data = new Uint8Array(shared.data);
    this.positions = new BigInt64Array(shared.positions);
  }

  static create(capacity: number): ByteRing {
    return new ByteRing({ data: new SharedArrayBuffer(capacity), positions: new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT) });
  }

  get capacity(): number {
    return this.data.length;
  }

  /** Bytes waiting to be taken. */
  get used(): number {
    return this.written() - this.taken();
  }

  /**
   * Writer's side: lets `fill(view, offset, length)` put up to `length`
   * bytes at `view[offset]` and return how many it put, once or twice (the
   * free space may wrap around the end), until it puts fewer than it was
   * offered or the ring is full. Returns the bytes put in.
   */
  put(fill: (view: Uint8Array, offset: number, length: number) => number): number {
    const written = this.written();
    const free = this.capacity - (written - this.taken());
    let total = 0;
    while (total < free) {
      const offset = (written + total) % this.capacity;
      const length = Math.min(free - total, this.capacity - offset);
      const put = fill(this.data, offset, length);
      total += put;
      if (put < length) break;
    }
    if (total > 0) this.store(0, written + total);
    return total;
  }

  /** Reader's side: copies what is waiting, up to `length` bytes, to `target[offset]`; returns the bytes taken. */
  take(target: Uint8Array, offset: number, length: number): number {
    const taken = this.taken();
    const count = Math.min(length, this.written() - taken);
    const start = taken % this.capacity;
    const first = Math.min(count, this.capacity - start);
    target.set(this.data.subarray(start, start + first), offset);
    if (count > first) target.set(this.data.subarray(0, count - first), offset + first);
    if (count > 0) this.store(1, taken + count);
    return count;
  }

  private written(): number {
    return this.load(0);
  }

  private taken(): number {
    return this.load(1);
  }

  private load(index: number): number {
    return Number(Atomics.load(this.positions, index));
  }

  private store(index: number, value: number): void {
    Atomics.store(this.positions, index, BigInt(value));
  }
}
