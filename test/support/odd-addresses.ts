/**
 * Spellings haproxy reads otherwise than as written: octal, DNS, inet_aton
 * shorthand, zones, spaces. (An empty address makes the whole slice invalid
 * at conversion, as any missing required field does.)
 */
export const ODD = ['08.0.0.1', '010.0.0.1', '127.1', '0x7f.0.0.1', '2130706433', '0177.0.0.1', '::ffff:01.2.3.4', '::ffff:127.0.0.01', 'fe80::1%lo', ' 127.0.0.1', '127.0.0.1 ', 'localhost'];
