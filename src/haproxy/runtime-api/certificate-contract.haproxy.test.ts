import { certificateContract } from '../../../test/support/runtime/certificate-contract.ts';
import { haproxyTarget } from '../../../test/support/runtime/haproxy-target.ts';

certificateContract('haproxy 2.6', haproxyTarget);
