import { certificateContract } from '../../../test/support/runtime/certificate-contract.ts';
import { fakeTarget } from '../../../test/support/runtime/fake-target.ts';

certificateContract('fake admin socket', fakeTarget);
