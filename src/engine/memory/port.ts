// Guest memory as code that runs on the guest's behalf sees it (the interpreter, the
// helpers a block calls): little-endian accesses that are checked.
//
// A bad access throws a GuestFault carrying the port's own description of the fault (for
// grindlab's AddressSpace, a MemoryFault); whoever ran the access stops at that statement
// and reports the fault. Throwing costs nothing on the path that matters — accesses that
// succeed — where returning a `value | fault` union would cost a test on every load.
// An access must be all or nothing: a store that faults writes no byte.
//
// Addresses are numbers: a 64-bit guest address above 2^53 arrives rounded, which is
// harmless since any address at or above 2^32 faults (types.ts).

/** 16 or 32 bytes as int32 words (`x | 0`), least significant first. Immutable. */
export type Vec = readonly number[];

export interface MemoryPort {
  load8(addr: number): number;
  load16(addr: number): number;
  load32(addr: number): number;
  load64(addr: number): bigint;
  /** 16 or 32 bytes (`words` is 4 or 8) as int32 words, least significant first. */
  loadVec(addr: number, words: number): Vec;
  store8(addr: number, value: number): void;
  store16(addr: number, value: number): void;
  store32(addr: number, value: number): void;
  store64(addr: number, value: bigint): void;
  storeVec(addr: number, value: Vec): void;
  /**
   * Atomic compare-and-swap of `size` bytes (1, 2, 4, 8 or 16): if memory holds `expected`,
   * write `data`. Returns the old contents. Checked as a write whether or not it stores, as
   * x86's locked cmpxchg always writes.
   */
  cas(addr: number, size: number, expected: bigint, data: bigint): bigint;
}

/** Thrown by a MemoryPort for a bad access; `fault` is the port's, passed through untouched. */
export class GuestFault extends Error {
  constructor(readonly fault: unknown) {
    super('guest memory fault');
    this.name = 'GuestFault';
  }
}
