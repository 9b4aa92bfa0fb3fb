/**
 * What a reload or a `haproxy -c` a stop gave up says (shutdown.ts,
 * abandonLoads), so the log tells it from a failure: haproxy drains next
 * whatever it was loading.
 */
export const RELOAD_ABANDONED = 'the router is stopping: the reload is not waited for';
export const CHECK_ABANDONED = 'the router is stopping: the check is given up';
