import { runtimeContract } from '../../../test/support/runtime/contract.ts';
import { haproxyTarget } from '../../../test/support/runtime/haproxy-target.ts';

runtimeContract('haproxy 2.6', haproxyTarget);
