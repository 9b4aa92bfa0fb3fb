import { runtimeContract } from '../../../test/support/runtime/contract.ts';
import { fakeTarget } from '../../../test/support/runtime/fake-target.ts';

runtimeContract('fake admin socket', fakeTarget);
