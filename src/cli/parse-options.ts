/**
 * Turns argv and the environment into typed RouterOptions, or into every
 * error found. Pure: reads nothing but its arguments.
 */
import type { RouterOptions } from '../options.ts';
import { assembleOptions } from './assemble.ts';
import { readArgv } from './argv.ts';
import { crossCheck } from './cross-check.ts';
import { resolveSettings, type Env } from './resolve.ts';

export type ParseResult = { ok: true; options: RouterOptions } | { ok: false; errors: string[] };

/** Precedence: command line > environment > default. */
export function parseOptions(argv: readonly string[], env: Env): ParseResult {
  const read = readArgv(argv);
  const { settings, errors } = resolveSettings(read.given, env);
  const all = [...read.errors, ...errors, ...crossCheck(settings)];
  return all.length > 0 ? { ok: false, errors: all } : { ok: true, options: assembleOptions(settings) };
}
