import { describe, expect, test } from 'bun:test';
import { pipeLines, readHaproxyLine, type HaproxyMessage } from './log-lines.ts';

describe('readHaproxyLine', () => {
  test.each<[string, HaproxyMessage]>([
    ['[ALERT]    (12) : Starting frontend public: cannot bind socket (Address already in use) [0.0.0.0:80]', { level: 'error', pid: 12, text: 'Starting frontend public: cannot bind socket (Address already in use) [0.0.0.0:80]' }],
    ['[WARNING]  (13) : Server be_http:a:b/ept:x is DOWN, reason: Layer4 connection problem.', { level: 'warn', pid: 13, text: 'Server be_http:a:b/ept:x is DOWN, reason: Layer4 connection problem.' }],
    ['[WARNING]  (13) : Server be_http:a:b/ept:x is UP, reason: Layer4 check passed.', { level: 'info', pid: 13, text: 'Server be_http:a:b/ept:x is UP, reason: Layer4 check passed.' }],
    ['[WARNING]  (13) : Server be_http:a:b/ept:x is going DOWN for maintenance. 0 active', { level: 'debug', pid: 13, text: 'Server be_http:a:b/ept:x is going DOWN for maintenance. 0 active' }],
    ['[ALERT]    (13) : backend \'be_http:a:b\' has no server available!', { level: 'warn', pid: 13, text: "backend 'be_http:a:b' has no server available!" }],
    ['[ALERT]    (13) : backend be_http:a:b has no server available!', { level: 'warn', pid: 13, text: 'backend be_http:a:b has no server available!' }],
    ["[ALERT]    (13) : backend 'be_checks_18' has no server available!", { level: 'debug', pid: 13, text: "backend 'be_checks_18' has no server available!" }],
    ["[ALERT]    (13) : backend 'be_http:ns:be_checks_1' has no server available!", { level: 'warn', pid: 13, text: "backend 'be_http:ns:be_checks_1' has no server available!" }],
    ['[WARNING]  (13) : Proxy be_http:_spare:7 stopped (cumulated conns: FE: 0, BE: 0).', { level: 'debug', pid: 13, text: 'Proxy be_http:_spare:7 stopped (cumulated conns: FE: 0, BE: 0).' }],
    ['[WARNING]  (13) : Stopping backend be_tcp:_spare:1 in 0 ms.', { level: 'debug', pid: 13, text: 'Stopping backend be_tcp:_spare:1 in 0 ms.' }],
    ['[NOTICE]   (12) : New worker (13) forked', { level: 'debug', pid: 12, text: 'New worker (13) forked' }],
    ['[NOTICE]   (12) : Loading success.', { level: 'debug', pid: 12, text: 'Loading success.' }],
    ['[NOTICE]   (12) : haproxy version is 2.6.12-1+deb12u4', { level: 'debug', pid: 12, text: 'haproxy version is 2.6.12-1+deb12u4' }],
    ['[WARNING]  (12) : Exiting Master process...', { level: 'debug', pid: 12, text: 'Exiting Master process...' }],
    ['[WARNING]  (12) : Former worker (13) exited with code 0 (Exit)', { level: 'debug', pid: 12, text: 'Former worker (13) exited with code 0 (Exit)' }],
    ['[WARNING]  (12) : Current worker (13) exited with code 143 (Terminated)', { level: 'debug', pid: 12, text: 'Current worker (13) exited with code 143 (Terminated)' }],
    ['[ALERT]    (12) : Current worker (13) exited with code 139 (Segmentation fault)', { level: 'error', pid: 12, text: 'Current worker (13) exited with code 139 (Segmentation fault)' }],
    ['[WARNING]  (12) : Former worker (13) exited with code 137 (Killed)', { level: 'error', pid: 12, text: 'Former worker (13) exited with code 137 (Killed)' }],
    ['[NOTICE]   (12) : something new', { level: 'info', pid: 12, text: 'something new' }],
    ['[WARNING]  (13) : CLI : Proxy be_tcp:_spare_rr:9 stopped (cumulated conns: FE: 0, BE: 0).', { level: 'debug', pid: 13, text: 'Proxy be_tcp:_spare_rr:9 stopped (cumulated conns: FE: 0, BE: 0).' }],
    ["[NOTICE]   (13) : CLI : 'server be_http:_spare:1/ept:web:http:127.0.0.1:80' : New server registered.", { level: 'debug', pid: 13, text: 'New server registered.' }],
    ["[NOTICE]   (13) : 'server be/x' : Server deleted.", { level: 'debug', pid: 13, text: 'Server deleted.' }],
    ['[WARNING]  (13) : CLI : Server be_http:_spare:1/ept is UP/READY (leaving forced maintenance).', { level: 'debug', pid: 13, text: 'Server be_http:_spare:1/ept is UP/READY (leaving forced maintenance).' }],
    ['[WARNING]  (13) : CLI : Server be_http:a:b/ept is DOWN, reason: Layer4 timeout.', { level: 'warn', pid: 13, text: 'Server be_http:a:b/ept is DOWN, reason: Layer4 timeout.' }],
    [
      '[NOTICE]   (13) : Server be_http:a:b/ept:x is UP via be_checks_0/chk25. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.',
      { level: 'debug', pid: 13, text: 'Server be_http:a:b/ept:x is UP via be_checks_0/chk25. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.' },
    ],
    [
      '[WARNING]  (13) : Server be_http:a:b/ept:x is DOWN via be_checks_0/chk25. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.',
      { level: 'debug', pid: 13, text: 'Server be_http:a:b/ept:x is DOWN via be_checks_0/chk25. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.' },
    ],
    ['[WARNING]  (13) : Server be_checks_0/chk25 is DOWN, reason: Layer4 connection problem.', { level: 'warn', pid: 13, text: 'Server be_checks_0/chk25 is DOWN, reason: Layer4 connection problem.' }],
    ['[WARNING]  (12) : config : parsing [/x/haproxy.config:9] : something odd', { level: 'warn', pid: 12, text: 'parsing [/x/haproxy.config:9] : something odd' }],
    ['Cannot get a server socket.', { level: 'info', text: 'Cannot get a server socket.' }],
  ])('%s', (line, want) => {
    expect(readHaproxyLine(line)).toEqual(want);
  });
});

describe('pipeLines', () => {
  test('lines split across chunks come out whole, one call each, without blank lines or line ends', async () => {
    const chunks = ['a\r\nb', 'c\n\n', '', 'd\ne', 'f'];
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const lines: string[] = [];
    await pipeLines(stream, (line) => lines.push(line));
    expect(lines).toEqual(['a', 'bc', 'd', 'ef']);
  });
});
