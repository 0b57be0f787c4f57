// Lifting a superblock: decode and lift guest instructions from `addr` until one
// transfers control, the block is long enough, or an instruction cannot be lifted. Like
// VEX, the block follows up to two direct jumps and calls to their targets.
import { IRSBBuilder, c64 } from '../../../ir/builder.ts';
import type { IRSB } from '../../../ir/types.ts';
import { decode } from '../decoder.ts';
import type { GuestAddr, Instruction } from '../instruction.ts';
import { PAGE_SHIFT } from '../../../memory/layout.ts';
import { OFFSET_RIP } from '../state.ts';
import { ARITH } from './arith.ts';
import { BITS } from './bits.ts';
import { type Handler, InsnLifter, Unlifted } from './context.ts';
import { CONTROL } from './control.ts';
import { MOVE } from './move.ts';
import { SSE } from './sse.ts';
import { STRING } from './string.ts';
import { SYSTEM } from './system.ts';
import { X87 } from './x87.ts';

/** Where the lifter reads guest code: the executable bytes at `addr`, at most `max` of
 *  them, fewer where the executable mapping ends (none if `addr` is not executable). */
export interface CodeSource {
  fetch(addr: GuestAddr, max: number): Uint8Array;
}

/** Valgrind's default --vex-guest-max-insns. */
export const MAX_INSNS_PER_BLOCK = 50;

/** One table from table mnemonic to semantics; the family modules each supply a part. (A
 *  Map: an object this large is a dictionary, slow to index while the code is cold.) */
const HANDLERS = new Map<string, Handler>(Object.entries({ ...ARITH, ...MOVE, ...CONTROL, ...BITS, ...STRING, ...SYSTEM, ...SSE, ...X87 }));

/** HANDLERS by form id, filled as forms are met (null: none): an array index instead of
 *  hashing the mnemonic for every instruction. */
let byForm = new Array<Handler | null | undefined>(4096);

export function handlerFor(ins: Instruction): Handler | undefined {
  const form = ins.form;
  if (!form) return undefined;
  if (form.id >= byForm.length) byForm = byForm.concat(new Array<undefined>(form.id + 1));
  let h = byForm[form.id];
  if (h === undefined) h = byForm[form.id] = HANDLERS.get(form.mnem) ?? null;
  return h ?? undefined;
}

export interface LiftedBlock {
  sb: IRSB;
  /** The guest instructions in the block, in order. */
  instrs: Instruction[];
  /** Set when the block is only the undecodable/unliftable instruction at its start. */
  noDecode?: { addr: GuestAddr; bytes: Uint8Array; reason: string; report: string[] };
}

/** Where a block may go on at the target of a direct jmp or call instead of ending (VEX's
 *  "chasing"): besides executable code that is no breakpoint, what the caller allows (not
 *  a redirected function, whose code must not run; no writable page, see below). */
export type ChasePolicy = (target: GuestAddr) => boolean;

/** Jumps and calls a block follows at most: VEX's three extents of guest code. */
const MAX_CHASES = 2;

/** `stopBefore`: addresses the block must not run through (a debugger's breakpoints),
 *  so that each one starts a block. `mayChase`: see ChasePolicy; without it, every jmp
 *  and call ends the block. */
export function liftSuperblock(
  code: CodeSource, addr: GuestAddr, maxInsns = MAX_INSNS_PER_BLOCK, stopBefore?: ReadonlySet<GuestAddr>, mayChase?: ChasePolicy,
): LiftedBlock {
  const b = new IRSBBuilder({ offsIP: OFFSET_RIP });
  const instrs: Instruction[] = [];
  let pc = addr;
  let chases = 0;
  let allowedPage = -1;
  const onAllowedPage = (a: GuestAddr) => {
    if (a >>> PAGE_SHIFT === allowedPage) return true;
    if (!mayChase!(a)) return false;
    allowedPage = a >>> PAGE_SHIFT;
    return true;
  };
  const chase = (target: GuestAddr) =>
    chases < MAX_CHASES && instrs.length + 1 < maxInsns && !stopBefore?.has(target) && code.fetch(target, 1).length > 0 && mayChase!(target);
  for (let n = 0; n < maxInsns; n++) {
    if (n > 0 && stopBefore?.has(pc)) break;
    const bytes = code.fetch(pc, 15);
    if (bytes.length === 0) {
      // Running into non-executable memory: the fetch faults when it is reached.
      return { sb: b.finish(c64(pc), n === 0 ? 'SigSEGV' : 'Boring'), instrs };
    }
    if (mayBeClientRequest(bytes) && isClientRequest(code.fetch(pc, CLIENT_REQUEST.length))) {
      // valgrind.h's magic sequence: VEX ends the block with a client request for the
      // dispatcher (argument block in rax, result in rdx).
      b.imark(pc, CLIENT_REQUEST.length);
      return { sb: b.finish(c64(pc + CLIENT_REQUEST.length), 'ClientReq'), instrs };
    }
    const ins = decode(bytes, 0, pc);
    // A chased extent asks the policy about every page it enters: code the block did not
    // start in must be code no store can change while the block lives (self-modifying
    // code patches a function, then calls it, in one block).
    if (chases > 0 && !(onAllowedPage(pc) && onAllowedPage(pc + ins.len - 1))) break;
    const handler = handlerFor(ins);
    const mark = b.stmts.length;
    const reason = ins.form === undefined || ins.len > bytes.length ? 'undecodable' : handler ? '' : 'not lifted';
    b.imark(pc, ins.len);
    let l: InsnLifter | undefined;
    if (!reason) {
      l = new InsnLifter(b, ins, mayChase ? chase : undefined);
      try {
        handler!(l);
      } catch (e) {
        if (!(e instanceof Unlifted)) throw e;
        l = undefined;
      }
    }
    if (!l) {
      b.stmts.length = mark;
      if (n > 0) return { sb: b.finish(c64(pc), 'Boring'), instrs };
      b.imark(pc, Math.max(1, Math.min(ins.len, bytes.length)));
      return {
        sb: b.finish(c64(pc), 'NoDecode'), instrs: [ins],
        noDecode: { addr: pc, bytes: bytes.slice(0, 10), reason: reason || 'not lifted', report: unhandledReport(ins, bytes) },
      };
    }
    instrs.push(ins);
    if (l.end) return { sb: b.finish(l.end.next, l.end.jk), instrs };
    if (l.resteer !== undefined) chases++;
    pc = l.resteer ?? ins.addr + ins.len;
  }
  return { sb: b.finish(c64(pc), 'Boring'), instrs };
}

/** rol $3,%rdi; rol $13,%rdi; rol $61,%rdi; rol $51,%rdi (a no-op natively), then
 *  xchg %rbx,%rbx: valgrind.h's amd64 VALGRIND_DO_CLIENT_REQUEST. */
const CLIENT_REQUEST = [
  0x48, 0xc1, 0xc7, 0x03, 0x48, 0xc1, 0xc7, 0x0d, 0x48, 0xc1, 0xc7, 0x3d, 0x48, 0xc1, 0xc7, 0x33, 0x48, 0x87, 0xdb,
];

function isClientRequest(bytes: Uint8Array): boolean {
  return bytes.length === CLIENT_REQUEST.length && CLIENT_REQUEST.every((b, i) => bytes[i] === b);
}

/** Whether the first bytes fetched start the sequence, which is longer than an instruction:
 *  only then is it worth fetching all of it. */
function mayBeClientRequest(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== CLIENT_REQUEST[i]) return false;
  return true;
}

/** VEX's four lines about an instruction it cannot translate, which valgrind prints
 *  (unprefixed) before its "Unrecognised instruction" report. */
export function unhandledReport(ins: Instruction, bytes: Uint8Array): string[] {
  const shown = Array.from({ length: 10 }, (_, i) => `0x${(bytes[i] ?? 0).toString(16).toUpperCase()}`);
  const p = ins.prefixes;
  const rex = p.vex || p.evex ? 0 : p.rex;
  const bit = (b: number) => ((rex >> b) & 1).toString();
  const i = p.vex ? 0 : bytes.findIndex((b) => !isPrefixByte(b));
  const esc = p.vex ? ['NONE', '0F', '0F38', '0F3A'][p.vex.map] ?? 'NONE'
    : i >= 0 && bytes[i] === 0x0f ? (bytes[i + 1] === 0x38 ? '0F38' : bytes[i + 1] === 0x3a ? '0F3A' : '0F') : 'NONE';
  return [
    `vex amd64->IR: unhandled instruction bytes: ${shown.join(' ')}`,
    `vex amd64->IR:   REX=${rex ? 1 : 0} REX.W=${bit(3)} REX.R=${bit(2)} REX.X=${bit(1)} REX.B=${bit(0)}`,
    `vex amd64->IR:   VEX=${p.vex ? 1 : 0} VEX.L=${p.vex?.l ?? 0} VEX.nVVVV=0x${(p.vex?.vvvv ?? 0).toString(16).toUpperCase()} ESC=${esc}`,
    `vex amd64->IR:   PFX.66=${p.opsize ? 1 : 0} PFX.F2=${p.repne ? 1 : 0} PFX.F3=${p.rep ? 1 : 0}`,
  ];
}

function isPrefixByte(b: number): boolean {
  return [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65].includes(b) || (b >= 0x40 && b <= 0x4f);
}
