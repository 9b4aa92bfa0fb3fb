/** `router render` and `router check`: the router's pipeline run once, without haproxy or a working dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { errorMessage } from '../errors.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { createLogger, escapeLogText, type Logger } from '../log.ts';
import type { RouterOptions } from '../options.ts';
import { collectSources } from './collect.ts';
import { renderOnce } from './render-once.ts';
import { checkReport, routeLines, type SourceProblem } from './report.ts';

export interface DryRunIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A logger whose warnings and errors are kept for the report; what it says at info level does not matter here. */
function problemLogger(): { logger: Logger; problems: SourceProblem[] } {
  const problems: SourceProblem[] = [];
  const logger = createLogger({
    format: 'json',
    level: 'warn',
    write(line) {
      const record = JSON.parse(line) as { level: string; msg: string };
      problems.push({ level: record.level === 'warn' ? 'warn' : 'error', message: record.msg });
    },
  });
  return { logger, problems };
}

/** Writes what the router would serve into `outDir`; exit code 0 once written, 1 when it cannot be. */
export async function renderCommand(options: RouterOptions, outDir: string, io: DryRunIo): Promise<number> {
  const { logger, problems } = problemLogger();
  try {
    const collected = await collectSources(options, logger);
    const rendered = await renderOnce(options, collected, resolve(outDir), logger);
    for (const p of problems) io.stderr(`router render: ${p.level === 'error' ? 'error' : 'warning'}: ${escapeLogText(p.message)}\n`);
    for (const line of routeLines(rendered.desired)) io.stdout(`${escapeLogText(line)}\n`);
    io.stdout(`wrote ${rendered.files.size} files and ${rendered.desired.model.certificates.length} certificates to ${resolve(outDir)}\n`);
    return 0;
  } catch (err) {
    io.stderr(`router render: ${errorMessage(err)}\n`);
    return 1;
  }
}

/** Prints every route's admission, every unusable file and haproxy's verdict; exit code 1 on any problem. */
export async function checkCommand(options: RouterOptions, io: DryRunIo): Promise<number> {
  const { logger, problems } = problemLogger();
  const scratch = await mkdtemp(join(tmpdir(), 'router-check-'));
  try {
    const collected = await collectSources(options, logger);
    const rendered = await renderOnce(options, collected, join(scratch, 'out'), logger);
    const report = checkReport({ desired: rendered.desired, problems, haproxy: await checkConfig(options.haproxyBinary, rendered.configPath) });
    io.stdout(report.text);
    return report.ok ? 0 : 1;
  } catch (err) {
    io.stderr(`router check: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
