// What a compiled block returns to the dispatcher, and the dispatcher to JavaScript.
//
// 0 means "go on": the block ended with a plain jump (Boring, Call, Ret) and wrote rip.
// Anything else ends the dispatch: the low byte says why, the rest is the statement
// index that ended the block, and EXIT_SLOT (run-area.ts) holds the block's slot.
import type { IRJumpKind } from '../../ir/types.ts';

/** The dispatcher's own reasons to stop: the block budget ran out, or the next block
 *  has no compiled code (a miss in the fast lookup cache). */
export const STOP_BUDGET = 0;
export const STOP_MISS = 1;
/** A block stopped at a faulting access (the fault is kept in JavaScript), or a trapping op. */
export const EXIT_FAULT_CODE = 2;
export const EXIT_TRAP_CODE = 3;
const EXIT_JUMP_BASE = 4;

const JUMP_KINDS: readonly IRJumpKind[] = [
  'Boring', 'Call', 'Ret', 'ClientReq', 'Yield', 'EmWarn', 'EmFail', 'NoDecode', 'MapFail', 'InvalICache',
  'FlushDCache', 'NoRedir', 'SigILL', 'SigTRAP', 'SigSEGV', 'SigBUS', 'SigFPE', 'SigFPE_IntDiv', 'SigFPE_IntOvf',
  'Sys_syscall', 'Sys_int32', 'Sys_int128', 'Sys_int129', 'Sys_int130', 'Sys_int145', 'Sys_int210', 'Sys_sysenter',
];

export function exitCode(kind: number, stmtIndex: number): number {
  return (stmtIndex << 8) | kind;
}

export function jumpExitKind(jk: IRJumpKind): number {
  return EXIT_JUMP_BASE + JUMP_KINDS.indexOf(jk);
}

export interface DecodedExit {
  kind: 'fault' | 'trap' | 'jump';
  jk?: IRJumpKind;
  stmtIndex: number;
}

export function decodeExit(code: number): DecodedExit {
  const low = code & 0xff;
  const stmtIndex = code >>> 8;
  if (low === EXIT_FAULT_CODE) return { kind: 'fault', stmtIndex };
  if (low === EXIT_TRAP_CODE) return { kind: 'trap', stmtIndex };
  return { kind: 'jump', jk: JUMP_KINDS[low - EXIT_JUMP_BASE]!, stmtIndex };
}
