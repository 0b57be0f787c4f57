// What the interpreter runs a block against: the current thread's guest state and the
// guest memory (a HelperEnv, the same that Dirty helpers get). Helpers are bound when a
// block is compiled (or a stepper made), so a missing helper is reported once, at
// translation time, not in the middle of a run.

import type { IROp } from '../../ir/ops.ts';
import type { HelperEnv } from '../helpers.ts';

export type ExecEnv = HelperEnv;

/** Thrown by an op that traps (ops.ts OPS_THAT_MAY_TRAP: a zero divisor, or a quotient
 *  too wide), as the host's divide instruction does under VEX. */
export class OpTrap extends Error {
  constructor(readonly op: IROp) {
    super(`${op} trapped`);
    this.name = 'OpTrap';
  }
}
