// Values crossing from generated code into JavaScript (helper calls, ops the JIT leaves
// to the interpreter) go through the scratch area of the run area, one 32-byte slot per
// argument and one for the result, laid out as guest state holds them (little-endian,
// I1 as a byte). This side reads and writes them in the helpers' representation.
import { READ_STATE, WRITE_STATE } from '../interp/access.ts';
import type { Value } from '../interp/values.ts';
import type { HelperArgType } from '../../ir/helpers.ts';
import { SCRATCH, SCRATCH_RESULT, SCRATCH_SLOT } from '../run-area.ts';

const TWO_32 = 2 ** 32;

export function readScratch(dv: DataView, at: number, ty: HelperArgType): Value {
  if (ty === 'I1') return dv.getUint8(at);
  // A Word as a number: exact below 2^53, rounded once (as Number(bigint)) above.
  if (ty === 'Word') return dv.getUint32(at + 4, true) * TWO_32 + dv.getUint32(at, true);
  return READ_STATE[ty](dv, at);
}

export function writeScratch(dv: DataView, at: number, ty: HelperArgType, v: Value): void {
  if (ty === 'I1') dv.setUint8(at, v as number);
  else if (ty === 'Word') dv.setBigUint64(at, BigInt.asUintN(64, BigInt(v as number)), true);
  else WRITE_STATE[ty](dv, at, v);
}

export const argSlot = (i: number): number => SCRATCH + i * SCRATCH_SLOT;
export const RESULT_SLOT = SCRATCH_RESULT;
