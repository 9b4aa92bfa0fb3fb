import { badRequest, expiredContinue } from './status.ts';
import type { KubeObject } from './types.ts';

/** One page of a list and where to continue. */
export interface Page {
  items: KubeObject[];
  resourceVersion: number;
  continueToken: string | undefined;
}

interface Snapshot {
  items: KubeObject[];
  resourceVersion: number;
}

/**
 * limit/continue pagination. The first page freezes the full result so later
 * pages are consistent with its resourceVersion, as an etcd snapshot read is;
 * a compaction (expire) forgets the snapshots and continuing answers 410.
 */
export class ListPager {
  readonly #snapshots = new Map<number, Snapshot>();
  #nextId = 1;

  /** The page starting at `continueToken` (or the first page of `current()`), at most `limit` items when limit > 0. */
  page(limit: number, continueToken: string | undefined, current: () => Snapshot): Page {
    const { id, offset } = continueToken ? this.#decode(continueToken) : { id: this.#nextId++, offset: 0 };
    const snapshot = continueToken ? this.#snapshots.get(id) : current();
    if (!snapshot) throw expiredContinue();
    const end = limit > 0 ? offset + limit : snapshot.items.length;
    const items = snapshot.items.slice(offset, end);
    if (end >= snapshot.items.length) {
      this.#snapshots.delete(id);
      return { items, resourceVersion: snapshot.resourceVersion, continueToken: undefined };
    }
    this.#snapshots.set(id, snapshot);
    return { items, resourceVersion: snapshot.resourceVersion, continueToken: Buffer.from(JSON.stringify({ id, offset: end })).toString('base64url') };
  }

  /** Forgets every snapshot, so outstanding continue tokens answer 410. */
  expireAll(): void {
    this.#snapshots.clear();
  }

  #decode(token: string): { id: number; offset: number } {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      const { id, offset } = parsed as { id: unknown; offset: unknown };
      if (Number.isSafeInteger(id) && Number.isSafeInteger(offset)) return { id: id as number, offset: offset as number };
    } catch {
      // falls through to the same 400 as a well-formed but meaningless token
    }
    throw badRequest(`invalid continue token ${JSON.stringify(token)}`);
  }
}
