/**
 * The thread that writes in-place updates of a generation (see
 * file-writer.ts): file system calls can block for tens of milliseconds
 * while the journal commits, and on the main thread that held up every
 * change and watch event behind them.
 */
import { errorMessage } from '../errors.ts';
import type { WriteReply, WriteRequest } from './file-writer.ts';
import { replaceFiles } from './replace-files.ts';

declare const self: Worker;

self.onmessage = (event: MessageEvent<WriteRequest>) => {
  const { id, dir, buffer, files } = event.data;
  const bytes = new Uint8Array(buffer);
  let reply: WriteReply;
  try {
    replaceFiles(
      dir,
      files.map(([name, offset, length]) => [name, length < 0 ? null : bytes.subarray(offset, offset + length)] as const),
    );
    reply = { id };
  } catch (err) {
    reply = { id, error: errorMessage(err) };
  }
  self.postMessage(reply);
};
