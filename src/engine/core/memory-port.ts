// The interpreter's and the helpers' view of guest memory: every access checked against
// the page permissions, a bad one thrown as a GuestFault carrying the MemoryFault; a fault
// just below the main stack grows it (as the kernel does) and the access goes ahead. A
// store to a page holding translated code drops those translations first.
import { type AddressSpace, GuestFault, type MemoryPort, PERM_R, PERM_W, type Perm, type Vec } from '../memory/index.ts';

export class CheckedMemory implements MemoryPort {
  private readonly m;

  constructor(private readonly as: AddressSpace) {
    this.m = as.memory;
  }

  private check(addr: number, size: number, perm: Perm): void {
    const fault = this.as.guestAccess(addr, size, perm);
    if (fault) throw new GuestFault(fault);
  }

  load8(addr: number): number { this.check(addr, 1, PERM_R); return this.m.readU8(addr); }
  load16(addr: number): number { this.check(addr, 2, PERM_R); return this.m.readU16(addr); }
  load32(addr: number): number { this.check(addr, 4, PERM_R); return this.m.readU32(addr); }
  load64(addr: number): bigint { this.check(addr, 8, PERM_R); return this.m.readU64(addr); }

  loadVec(addr: number, words: number): Vec {
    this.check(addr, words * 4, PERM_R);
    const out: number[] = [];
    for (let i = 0; i < words; i++) out.push(this.m.readU32(addr + 4 * i) | 0);
    return out;
  }

  store8(addr: number, v: number): void { this.check(addr, 1, PERM_W); this.m.writeU8(addr, v); }
  store16(addr: number, v: number): void { this.check(addr, 2, PERM_W); this.m.writeU16(addr, v); }
  store32(addr: number, v: number): void { this.check(addr, 4, PERM_W); this.m.writeU32(addr, v); }
  store64(addr: number, v: bigint): void { this.check(addr, 8, PERM_W); this.m.writeU64(addr, v); }

  storeVec(addr: number, v: Vec): void {
    this.check(addr, v.length * 4, PERM_W);
    v.forEach((w, i) => this.m.writeU32(addr + 4 * i, w >>> 0));
  }

  cas(addr: number, size: number, expected: bigint, data: bigint): bigint {
    this.check(addr, size, PERM_W);
    let old = 0n;
    for (let i = size - 1; i >= 0; i--) old = (old << 8n) | BigInt(this.m.readU8(addr + i));
    if (old === expected) {
      for (let i = 0; i < size; i++) this.m.writeU8(addr + i, Number((data >> BigInt(8 * i)) & 0xffn));
    }
    return old;
  }
}
