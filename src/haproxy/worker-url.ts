/**
 * Where the code of a thread of the router's own (`file`, a module of
 * src/haproxy/) is: beside this module when run from source; in a compiled
 * router, where every module's import.meta.url is the executable's, at its
 * path under src/, which build.ts bundles as an entry point of its own
 * (WORKER_ENTRY_POINTS).
 */
export function workerUrl(file: string): string {
  return import.meta.url.startsWith('file:///$bunfs/') ? `./haproxy/${file}` : new URL(`./${file}`, import.meta.url).href;
}
