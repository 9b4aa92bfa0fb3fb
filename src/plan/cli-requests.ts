/**
 * The shape of a request on haproxy's CLI: what the planners size (a
 * certificate that would not fit the worker's buffer is loaded by a reload
 * instead) and the socket client sends. Pure.
 */

/** Ends a command line whose payload follows. */
export const PAYLOAD_MARK = ' <<';

/** One command as sent: its line and, for a command that takes one, its payload. */
export interface CliRequest {
  line: string;
  /**
   * Sent as `<line> <<`, these lines, then an empty line that ends the
   * payload; so no line of it may be empty, or haproxy would end the payload
   * there and run the rest as commands.
   */
  payload?: readonly string[];
}

export function requestText(r: CliRequest): string {
  if (r.payload === undefined) return `${r.line}\n`;
  let text = `${r.line}${PAYLOAD_MARK}\n`;
  for (const l of r.payload) text += `${l}\n`;
  return `${text}\n`;
}

/** The request's first line as sent: what a log may show, as a payload can hold a private key. */
export function requestHead(r: CliRequest): string {
  return r.payload === undefined ? r.line : `${r.line}${PAYLOAD_MARK}`;
}

/**
 * Whether haproxy 2.6 can take the request. It gathers a command and its
 * whole payload in one tune.bufsize buffer and keeps a byte for a
 * terminating NUL, so requests of up to bufsize - 1 bytes go through
 * (verified on 2.6.12 at 32768, whatever the line lengths). One byte more
 * and the worker spins on its full buffer until the watchdog kills it, with
 * every connection it holds: so this is checked before anything is sent.
 */
export function fitsCliBuffer(r: CliRequest, bufSize: number): boolean {
  return Buffer.byteLength(requestText(r)) <= bufSize - 1;
}

/**
 * A PEM as payload lines. haproxy ends a payload at the first empty line
 * (a lone \r counts as empty), so blank lines, which PEM readers skip
 * between blocks anyway, are left out and line ends lose their \r.
 */
function pemLines(pem: string): string[] {
  return pem.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

/** The `set ssl ca-file` request, its name unchecked (see setSslCertRequest). */
export function setSslCaFileRequest(caFile: string, pem: string): CliRequest {
  return { line: `set ssl ca-file ${caFile}`, payload: pemLines(pem) };
}

/**
 * The `set ssl cert` request, its name unchecked: commandRequest checks it
 * first; the planner sizes the request (fitsCliBuffer) to reload rather than
 * send a certificate haproxy could not hold.
 */
export function setSslCertRequest(certFile: string, pem: string): CliRequest {
  return { line: `set ssl cert ${certFile}`, payload: pemLines(pem) };
}

