// Memcheck's errors, worded as Valgrind 3.19 words them, and the description of an
// address that follows many of them (" Address 0x.. is 8 bytes inside a block ...").
import type { AuxWhat, ToolError } from '../../core/errors.ts';
import type { ThreadStack } from '../../core/tool.ts';
import type { Heap, HeapBlock } from './heap.ts';

const hex = (a: number) => `0x${a.toString(16)}`;
/** Valgrind's %'lu. */
const grouped = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A block the client described (VALGRIND_CREATE_BLOCK). */
export interface ClientBlock { addr: number; size: number; desc: string; ips: number[] }

/** What Valgrind says about where addr is: a client-described block (first, as memcheck
 *  looks), a heap block (live or freed), a thread's stack (with the running thread's
 *  frame that holds it: `frameOf`), or nothing known. */
export function describeAddress(
  addr: number, clientBlocks: readonly (ClientBlock | undefined)[], heap: Heap, stacks: readonly ThreadStack[],
  frameOf: (addr: number) => string | undefined,
): AuxWhat[] {
  const cb = clientBlocks.find((c) => c && addr >= c.addr && addr < c.addr + c.size);
  if (cb) return [{ text: `Address ${hex(addr)} is ${grouped(addr - cb.addr)} bytes inside a ${cb.desc} of size ${grouped(cb.size)} client-defined`, ips: cb.ips }];
  const b = heap.blockNear(addr);
  if (b) return describeInBlock(addr, b);
  const stack = stacks.find((s) => addr >= s.low && addr < s.high);
  if (stack) {
    const aux: AuxWhat[] = [{ text: `Address ${hex(addr)} is on thread ${stack.num}'s stack` }];
    const frame = stack.running ? frameOf(addr) : undefined;
    if (frame) aux.push({ text: frame });
    if (addr < stack.sp) aux.push({ text: `${stack.sp - addr} bytes below stack pointer` });
    return aux;
  }
  return [{ text: `Address ${hex(addr)} is not stack'd, malloc'd or (recently) free'd` }];
}

function describeInBlock(addr: number, b: HeapBlock): AuxWhat[] {
  const where = addr < b.addr ? `${grouped(b.addr - addr)} bytes before`
    : addr >= b.addr + b.size ? `${grouped(addr - (b.addr + b.size))} bytes after`
    : `${grouped(addr - b.addr)} bytes inside`;
  const what = `Address ${hex(addr)} is ${where} a block of size ${grouped(b.size)}`;
  if (b.freeIps) return [{ text: `${what} free'd`, ips: b.freeIps }, { text: "Block was alloc'd at", ips: b.allocIps }];
  return [{ text: `${what} alloc'd`, ips: b.allocIps }];
}

export function addrError(ips: number[], size: number, isWrite: boolean, aux: AuxWhat[]): ToolError {
  const what = `Invalid ${isWrite ? 'write' : 'read'} of size ${size}`;
  return { supp: `Addr${size}`, xmlKind: isWrite ? 'InvalidWrite' : 'InvalidRead', key: what, what, ips, aux };
}

/** `aux`: the value's origin (--track-origins=yes), not part of the context's key. */
export function condError(ips: number[], aux: AuxWhat[] = []): ToolError {
  const what = 'Conditional jump or move depends on uninitialised value(s)';
  return { supp: 'Cond', xmlKind: 'UninitCondition', key: what, what, ips, aux };
}

export function valueError(ips: number[], size: number, aux: AuxWhat[] = []): ToolError {
  const what = `Use of uninitialised value of size ${size}`;
  return { supp: `Value${size}`, xmlKind: 'UninitValue', key: what, what, ips, aux };
}

/** A syscall's register argument ("contains") or buffer ("points to") is not right. */
export function paramError(ips: number[], param: string, problem: 'reg' | 'unaddressable' | 'undefined', aux: AuxWhat[]): ToolError {
  const what = problem === 'reg' ? `Syscall param ${param} contains uninitialised byte(s)`
    : `Syscall param ${param} points to ${problem === 'undefined' ? 'uninitialised' : 'unaddressable'} byte(s)`;
  return { supp: 'Param', suppExtra: param, xmlKind: 'SyscallParam', key: what, what, ips, aux };
}

export function freeError(ips: number[], aux: AuxWhat[]): ToolError {
  const what = 'Invalid free() / delete / delete[] / realloc()';
  return { supp: 'Free', xmlKind: 'InvalidFree', key: what, what, ips, aux };
}

export function mismatchError(ips: number[], aux: AuxWhat[]): ToolError {
  const what = 'Mismatched free() / delete / delete []';
  return { supp: 'Free', xmlKind: 'MismatchedFree', key: what, what, ips, aux };
}

export function overlapError(ips: number[], fn: string, dst: number, src: number, len?: number): ToolError {
  const what = `Source and destination overlap in ${fn}(${hex(dst)}, ${hex(src)}${len === undefined ? '' : `, ${len}`})`;
  return { supp: 'Overlap', xmlKind: 'Overlap', key: fn, what, ips, aux: [] };
}

export function fishyError(ips: number[], fn: string, arg: string, value: bigint): ToolError {
  const what = `Argument '${arg}' of function ${fn} has a fishy (possibly negative) value: ${BigInt.asIntN(64, value)}`;
  return { supp: 'FishyValue', suppExtra: `${fn}(${arg})`, xmlKind: 'FishyValue', key: what, what, ips, aux: [] };
}

/** CHECK_MEM_IS_ADDRESSABLE / CHECK_MEM_IS_DEFINED found a bad byte. */
export function clientCheckError(ips: number[], problem: 'unaddressable' | 'undefined', aux: AuxWhat[]): ToolError {
  const what = problem === 'undefined' ? 'Uninitialised byte(s) found during client check request'
    : 'Unaddressable byte(s) found during client check request';
  return { supp: problem === 'undefined' ? 'Cond' : 'Addr1', xmlKind: 'ClientCheck', key: what, what, ips, aux };
}
