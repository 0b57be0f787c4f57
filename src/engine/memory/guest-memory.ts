// The bytes of the guest: one shared WebAssembly.Memory in which guest address
// A is byte A, so the wasm backend can load and store guest memory directly.
import { WINDOW_END } from './layout.ts';
import type { GuestAddr } from './types.ts';

const WASM_PAGE_SIZE = 0x1_0000;
const MAX_WASM_PAGES = WINDOW_END / WASM_PAGE_SIZE;
const TWO_32 = 0x1_0000_0000;

/**
 * Start small: a browser tab cannot commit 4 GiB up front, and growing a
 * shared memory is cheap (it never moves, the maximum is reserved at creation).
 */
const DEFAULT_INITIAL_BYTES = 16 * 0x10_0000;

/**
 * Raw, unchecked little-endian access to guest memory. Callers check
 * permissions first (AddressSpace.check); an access beyond the memory's
 * current size is an engine bug and throws.
 *
 * The typed-array views are private and replaced whenever this object grows
 * the memory, so no caller can hold a view that misses the new pages. (A
 * shared memory is never detached: a view taken earlier still aliases the
 * same bytes, it is only too short.)
 */
export class GuestMemory {
  readonly wasmMemory: WebAssembly.Memory;
  private u8: Uint8Array;
  private dv: DataView;

  constructor(initialBytes = DEFAULT_INITIAL_BYTES) {
    this.wasmMemory = new WebAssembly.Memory({ initial: wasmPages(initialBytes), maximum: MAX_WASM_PAGES, shared: true });
    this.u8 = new Uint8Array(this.wasmMemory.buffer);
    this.dv = new DataView(this.wasmMemory.buffer);
  }

  /** Bytes currently backed: every address below this can be read and written. */
  get size(): number {
    return this.u8.length;
  }

  /**
   * Grows the memory so that [0, end) is backed. Returns false, leaving the
   * memory as it was, when `end` lies beyond the window or the host refuses
   * to grow (a browser out of address space or memory): the guest then sees
   * ENOMEM rather than the engine crashing.
   */
  ensure(end: number): boolean {
    if (end <= this.u8.length) return true;
    if (end > WINDOW_END) return false;
    try {
      this.wasmMemory.grow(wasmPages(end) - this.u8.length / WASM_PAGE_SIZE);
    } catch (e) {
      if (e instanceof RangeError) return false;
      throw e;
    }
    this.u8 = new Uint8Array(this.wasmMemory.buffer);
    this.dv = new DataView(this.wasmMemory.buffer);
    return true;
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

function wasmPages(bytes: number): number {
  return Math.ceil(bytes / WASM_PAGE_SIZE);
}
