import { describe, expect, test } from 'bun:test';
import { parseServersState } from './servers-state.ts';

const HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

describe('parseServersState', () => {
  test('reads haproxy 2.6 output: address, port, states, weight and health check', () => {
    // Captured from haproxy 2.6.12: a checked server, one switched off, one added at runtime (in maintenance), an IPv6 one without check.
    const text = [
      '1',
      HEADER,
      '4 withcheck 1 s1 127.0.0.1 2 0 1 1 392 6 3 4 6 0 0 0 - 41017 - 0 0 - - 0',
      '4 withcheck 2 pod:b-1:b:http:127.0.0.1:36589 127.0.0.1 2 0 1 1 371 6 3 4 2 0 0 0 - 36589 - 0 0 - - 0',
      '4 withcheck 4 fresh 127.0.0.1 0 1 9 7 0 1 0 0 2 0 0 0 - 1 - 0 0 - - 0',
      '4 withcheck 5 v6 ::1 2 0 7 7 0 1 0 0 0 0 0 0 - 8080 - 0 0 - - 0',
      '',
    ].join('\n');
    expect(parseServersState(text)).toEqual([
      { backend: 'withcheck', server: 's1', addr: '127.0.0.1', port: 41017, adminState: 0, operState: 2, weight: 1, healthCheck: 'enabled' },
      { backend: 'withcheck', server: 'pod:b-1:b:http:127.0.0.1:36589', addr: '127.0.0.1', port: 36589, adminState: 0, operState: 2, weight: 1, healthCheck: 'disabled' },
      { backend: 'withcheck', server: 'fresh', addr: '127.0.0.1', port: 1, adminState: 1, operState: 0, weight: 9, healthCheck: 'disabled' },
      { backend: 'withcheck', server: 'v6', addr: '::1', port: 8080, adminState: 0, operState: 2, weight: 7, healthCheck: 'none' },
    ]);
  });

  test('finds columns by their header name', () => {
    const text = '1\n# srv_port srv_name be_name srv_addr srv_uweight srv_op_state srv_admin_state srv_check_state extra\n80 s b 10.0.0.1 3 2 8 0 x\n';
    expect(parseServersState(text)).toEqual([{ backend: 'b', server: 's', addr: '10.0.0.1', port: 80, adminState: 8, operState: 2, weight: 3, healthCheck: 'none' }]);
  });

  test('an empty backend has no rows', () => {
    expect(parseServersState(`1\n${HEADER}\n`)).toEqual([]);
  });

  test("anything else is an error carrying haproxy's text", () => {
    expect(() => parseServersState("Can't find backend.")).toThrow("Can't find backend.");
    expect(() => parseServersState('2\n# be_name\n')).toThrow('unexpected show servers state reply');
    expect(() => parseServersState('1\n# be_name srv_name\nb s\n')).toThrow('no srv_addr column');
    expect(() => parseServersState(`1\n${HEADER}\n4 b 1 s 10.0.0.1 two 0 1 1 0 1 0 0 0 0 0 0 - 80 - 0 0 - - 0\n`)).toThrow('srv_op_state is not a number');
  });
});
