import { describe, expect, test } from 'bun:test';
import { prng } from '../../test/support/hostile-routes.ts';
import { compareCrtListEntries } from './build-model.ts';
import { crtListLine, crtListLineText, endsLine, groupedCrtListLines, MAX_SNIS_PER_LINE } from './crt-list.ts';
import { CrtListLines } from './crt-list-lines.ts';
import type { CrtListEntry } from './model.ts';

const fullText = (entries: Iterable<CrtListEntry>) =>
  groupedCrtListLines([...entries].sort(compareCrtListEntries))
    .map((line) => `${crtListLineText(line)}\n`)
    .join('');

/** Random entries: a few certificates with and without ALPN, SNIs from a pool small enough that several entries name one, some long enough for the character cap. */
function randomEntry(rand: () => number): CrtListEntry {
  const n = Math.floor(rand() * 900);
  const sni = n % 7 === 0 ? `${n}.${'x'.repeat(200)}.example.com` : `h${n}.example.com`;
  return { certFile: `/c/cert-${Math.floor(rand() * 3)}.pem`, sni, alpn: rand() < 0.3 };
}

describe('CrtListLines', () => {
  test.each([1, 2, 3, 4, 23, 32])('kept in step entry by entry, its text is the full grouping of the entries (seed %i)', (seed) => {
    const rand = prng(seed);
    const present = new Map<string, CrtListEntry>();
    for (let i = 0; i < 1500; i++) {
      const e = randomEntry(rand);
      present.set(crtListLine(e), e);
    }
    const lines = new CrtListLines([...present.values()].sort(compareCrtListEntries));
    // Half the seeds start from the file as a full render writes it, as the running index does after a load.
    if (seed % 2 === 0) expect(lines.adoptText(fullText(present.values()))).toBe(true);
    expect(lines.text()).toBe(fullText(present.values()));
    for (let step = 0; step < 400; step++) {
      const removed: CrtListEntry[] = [];
      const added: CrtListEntry[] = [];
      for (let i = Math.floor(rand() * 4); i >= 0; i--) {
        const e = randomEntry(rand);
        const key = crtListLine(e);
        // Once per step: a patch removes before it adds, so an entry drawn for adding and then for removing would stay.
        if ([...removed, ...added].some((x) => crtListLine(x) === key)) continue;
        if (present.has(key)) {
          removed.push(e);
          present.delete(key);
        } else {
          added.push(e);
          present.set(key, e);
        }
      }
      // Entries that are not there, or come twice, change nothing.
      if (step % 5 === 0) removed.push({ certFile: '/c/none.pem', sni: 'nowhere.example.com', alpn: false });
      lines.patch(removed, added);
      expect({ step, text: lines.text() }).toEqual({ step, text: fullText(present.values()) });
    }
  });

  test('an SNI added to a long run of one certificate changes the lines of its own stretch only', () => {
    const entries = Array.from({ length: 4000 }, (_, i) => ({ certFile: '/c/w.pem', sni: `r${String(i).padStart(5, '0')}.example.com`, alpn: false }));
    const lines = new CrtListLines(entries);
    const before = lines.text().split('\n');
    const sni = 'r02000x.example.com';
    lines.patch([], [{ certFile: '/c/w.pem', sni, alpn: false }]);
    const after = lines.text().split('\n');
    const changed = after.filter((line) => !before.includes(line));
    expect(changed.some((line) => line.split(' ').includes(sni))).toBe(true);
    // Lines break about every SNIS_PER_BREAK SNIs, at most MAX_SNIS_PER_LINE: a few lines change, not the ~60 after it.
    expect(changed.length).toBeLessThanOrEqual(3);
    expect(after.length - before.length).toBeLessThanOrEqual(1);
    expect(entries.filter((e) => endsLine(e.sni)).length).toBeGreaterThan(4000 / MAX_SNIS_PER_LINE);
  });
});
