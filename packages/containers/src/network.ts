import { randomBytes } from 'node:crypto';
import { Network } from 'testcontainers';

/** Every network the tests make is named so; a later run removes what an earlier one left. */
export const NETWORK_PREFIX = 'calculator-lab-test-';

/** A user-defined network (names resolve between its containers, aliases included). */
export function labNetwork(): Network {
  return new Network({ nextUuid: () => `${NETWORK_PREFIX}${randomBytes(4).toString('hex')}` });
}
