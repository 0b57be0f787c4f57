// The bytes of the guest: one shared WebAssembly.Memory in which guest address
// A is byte A, so the wasm backend can load and store guest memory directly.
import { WINDOW_END } from './layout.ts';
import type { GuestAddr } from './types.ts';

const WASM_PAGE_SIZE = 0x1_0000;
const WINDOW_PAGES = WINDOW_END / WASM_PAGE_SIZE;
const TWO_32 = 0x1_0000_0000;

/**
 * Raw, unchecked little-endian access to guest memory. Callers check
 * permissions first (AddressSpace.check).
 *
 * The memory is the whole 4 GiB window from the start: the engine's reserved
 * region at its top (reserved.ts) must be there for generated code, and a
 * memory never moves or shrinks, so views taken once stay valid. The host
 * commits pages only when they are touched, so the untouched window costs
 * address space, not memory.
 */
export class GuestMemory {
  readonly wasmMemory: WebAssembly.Memory;
  private readonly u8: Uint8Array;
  private readonly dv: DataView;

  constructor() {
    try {
      this.wasmMemory = new WebAssembly.Memory({ initial: WINDOW_PAGES, maximum: WINDOW_PAGES, shared: true });
    } catch (e) {
      if (e instanceof RangeError) throw new Error('grindlab: the host cannot reserve the 4 GiB of shared memory a guest needs');
      throw e;
    }
    this.u8 = new Uint8Array(this.wasmMemory.buffer);
    this.dv = new DataView(this.wasmMemory.buffer);
  }

  /** Bytes backed: the whole window. */
  get size(): number {
    return this.u8.length;
  }

  /** The bytes of [addr, addr + length), as a view (not a copy) for the engine's own tables. */
  view(addr: GuestAddr, length: number): Uint8Array {
    this.assertBacked(addr, length);
    return new Uint8Array(this.wasmMemory.buffer, addr, length);
  }

  readU8(addr: GuestAddr): number {
    return this.dv.getUint8(addr);
  }
  readU16(addr: GuestAddr): number {
    return this.dv.getUint16(addr, true);
  }
  readU32(addr: GuestAddr): number {
    return this.dv.getUint32(addr, true);
  }
  readU64(addr: GuestAddr): bigint {
    return this.dv.getBigUint64(addr, true);
  }
  /** A 64-bit value as a number: exact below 2^53, which covers every pointer into the window. */
  readU64Number(addr: GuestAddr): number {
    return this.dv.getUint32(addr, true) + this.dv.getUint32(addr + 4, true) * TWO_32;
  }
  readF32(addr: GuestAddr): number {
    return this.dv.getFloat32(addr, true);
  }
  readF64(addr: GuestAddr): number {
    return this.dv.getFloat64(addr, true);
  }

  writeU8(addr: GuestAddr, value: number): void {
    this.dv.setUint8(addr, value);
  }
  writeU16(addr: GuestAddr, value: number): void {
    this.dv.setUint16(addr, value, true);
  }
  writeU32(addr: GuestAddr, value: number): void {
    this.dv.setUint32(addr, value, true);
  }
  writeU64(addr: GuestAddr, value: bigint): void {
    this.dv.setBigUint64(addr, BigInt.asUintN(64, value), true);
  }
  /** Stores a non-negative integer below 2^53 as 64 bits. */
  writeU64Number(addr: GuestAddr, value: number): void {
    this.dv.setUint32(addr, value % TWO_32, true);
    this.dv.setUint32(addr + 4, Math.floor(value / TWO_32), true);
  }
  writeF32(addr: GuestAddr, value: number): void {
    this.dv.setFloat32(addr, value, true);
  }
  writeF64(addr: GuestAddr, value: number): void {
    this.dv.setFloat64(addr, value, true);
  }

  /** A copy, in an ordinary (unshared) buffer: safe to keep, and TextDecoder accepts it. */
  readBytes(addr: GuestAddr, length: number): Uint8Array {
    this.assertBacked(addr, length);
    return this.u8.slice(addr, addr + length);
  }

  writeBytes(addr: GuestAddr, bytes: Uint8Array): void {
    this.assertBacked(addr, bytes.length);
    this.u8.set(bytes, addr);
  }

  fill(addr: GuestAddr, length: number, value = 0): void {
    this.assertBacked(addr, length);
    this.u8.fill(value, addr, addr + length);
  }

  /** memmove: the ranges may overlap. */
  copy(dest: GuestAddr, src: GuestAddr, length: number): void {
    this.assertBacked(dest, length);
    this.assertBacked(src, length);
    this.u8.copyWithin(dest, src, src + length);
  }

  /** Offset of the first NUL in [addr, addr + maxLength), or -1 if there is none. */
  findNul(addr: GuestAddr, maxLength: number): number {
    this.assertBacked(addr, maxLength);
    return this.u8.subarray(addr, addr + maxLength).indexOf(0);
  }

  // Typed-array methods clamp silently where DataView throws; keep them equally strict.
  private assertBacked(addr: GuestAddr, length: number): void {
    if (!(addr >= 0 && length >= 0 && addr + length <= this.u8.length)) {
      const range = `[0x${addr.toString(16)}, +${length})`;
      throw new RangeError(`guest memory access ${range} beyond the backed 0x${this.u8.length.toString(16)} bytes`);
    }
  }
}
