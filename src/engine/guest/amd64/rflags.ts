// rflags as the guest sees it (pushf, a signal frame's sigcontext), read from and written
// to the register file, where it lives as the lazy-flags thunk plus DFLAG.
import { CcOpFamily, calculateRflagsAll } from './flags.ts';
import { OFFSET_CC_DEP1, OFFSET_CC_DEP2, OFFSET_CC_NDEP, OFFSET_CC_OP, OFFSET_DFLAG } from './state.ts';

const DF = 0x400n;
/** O S Z A C P. */
const ARITH_FLAGS = 0x8d5n;
/** Bit 1 is always set, and IF is always set in user mode. */
const FIXED = 0x202n;

export function readRflags(state: DataView): bigint {
  const g = (o: number) => state.getBigUint64(o, true);
  const flags = calculateRflagsAll(Number(g(OFFSET_CC_OP)), g(OFFSET_CC_DEP1), g(OFFSET_CC_DEP2), g(OFFSET_CC_NDEP));
  return flags | (state.getBigInt64(OFFSET_DFLAG, true) === -1n ? DF : 0n) | FIXED;
}

/** Sets the arithmetic flags (as a COPY thunk) and DF from an rflags value. */
export function writeRflags(state: DataView, v: bigint): void {
  state.setBigUint64(OFFSET_CC_OP, BigInt(CcOpFamily.Copy), true);
  state.setBigUint64(OFFSET_CC_DEP1, v & ARITH_FLAGS, true);
  state.setBigUint64(OFFSET_CC_DEP2, 0n, true);
  state.setBigUint64(OFFSET_CC_NDEP, 0n, true);
  state.setBigInt64(OFFSET_DFLAG, v & DF ? -1n : 1n, true);
}
