import { describe, expect, test } from 'bun:test';
import { ENV_ENTRIES, FLAG_ENTRIES } from './flags.ts';
import { helpText } from './help.ts';
import { plannedText } from './table/spec.ts';

describe('helpText', () => {
  const help = helpText();
  const lines = help.split('\n');

  /** The heading line of a setting and the two indented lines under it. */
  function entry(heading: RegExp): string {
    const at = lines.findIndex((line) => heading.test(line));
    expect(at).toBeGreaterThanOrEqual(0);
    return lines.slice(at, at + 3).join('\n');
  }

  test.each(FLAG_ENTRIES)('documents %s', (name, flag) => {
    const text = entry(new RegExp(`^  (-\\w, )?${name}(,| |$)`));
    for (const alias of flag.aliases ?? []) expect(text).toContain(alias);
    for (const variable of flag.env ?? []) expect(text).toContain(variable);
    if (flag.default !== undefined) expect(text).toContain(`default ${flag.default}`);
    if (flag.issue !== undefined) expect(text).toContain(plannedText(flag.issue));
  });

  test.each(ENV_ENTRIES)('documents %s', (name, setting) => {
    const text = entry(new RegExp(`^  ${name}=`));
    if (setting.default !== undefined) expect(text).toContain(`default ${setting.default}`);
    if (setting.issue !== undefined) expect(text).toContain(plannedText(setting.issue));
  });

  test('groups appear in order', () => {
    const headings = lines.filter((line) => /^[A-Za-z][A-Za-z& ]*:$/.test(line) && line !== 'Usage:');
    expect(headings).toEqual([
      'Routing sources:',
      'Selection & admission:',
      'haproxy:',
      'TLS:',
      'Stats & metrics:',
      'Logging:',
      'Kubernetes connection:',
    ]);
  });

  test('refused and ignored flags say so', () => {
    expect(entry(/^  --reload /)).toContain('refused: router embeds its reload logic');
    expect(entry(/^  --logtostderr$/)).toContain('accepted and ignored');
  });
});
