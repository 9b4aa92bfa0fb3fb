/** The paths of a haproxy master as the supervisor starts it, for tests of its command line. */
export const MASTER_PATHS = {
  haproxyBinary: '/usr/sbin/haproxy',
  masterSocketPath: '/w/run/master.sock',
  configPath: '/w/conf/haproxy.config',
  pidFile: '/w/run/haproxy.pid',
  adminSocketPath: '/w/run/haproxy.sock',
};
