// The memory view's rows: 16 bytes each, hex and ASCII, formatted from a window onto the
// shared guest memory (only the visible rows are ever read).

export const BYTES_PER_ROW = 16;

export interface HexRow {
  addr: number;
  /** Two hex digits per byte. */
  hex: string[];
  /** Printable ASCII, '.' for the rest. */
  ascii: string;
}

/** `bytes` are the guest's bytes from `addr` on; rows start at `addr` (a row boundary). */
export function hexRows(bytes: Uint8Array, addr: number): HexRow[] {
  const rows: HexRow[] = [];
  for (let at = 0; at < bytes.length; at += BYTES_PER_ROW) {
    const row = bytes.subarray(at, at + BYTES_PER_ROW);
    rows.push({
      addr: addr + at,
      hex: Array.from(row, (b) => HEX[b]!),
      ascii: String.fromCharCode(...Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? b : 0x2e))),
    });
  }
  return rows;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The view's first row for a followed address: that address's row, a few rows down so
 *  what precedes it (a stack's caller frame, a string's start) stays in sight. */
export function windowStart(addr: number, rowsAbove = 2): number {
  return Math.max(0, Math.floor(addr / BYTES_PER_ROW) * BYTES_PER_ROW - rowsAbove * BYTES_PER_ROW);
}

export function formatAddr(addr: number): string {
  return addr.toString(16).padStart(12, '0');
}

/**
 * Memcheck's shadow bits for the visible bytes, as ShadowMemory.snapshot hands them out
 * (A: addressable or not; V: eight bits per byte, 1 = undefined). The memory
 * view colours bytes by it once the worker hands one over; without memcheck there is none.
 */
export interface ShadowSnapshot {
  addr: number;
  /** 1 where the byte at addr + i is addressable. */
  addressable: Uint8Array;
  /** The V bits of the byte at addr + i. */
  vbits: Uint8Array;
}

export type ShadowClass = 'noaccess' | 'undefined' | 'partial' | 'defined';

/** How the memory view colours the byte at `addr` given a shadow snapshot. */
export function shadowClass(shadow: ShadowSnapshot | undefined, addr: number): ShadowClass | undefined {
  if (!shadow) return undefined;
  const i = addr - shadow.addr;
  if (i < 0 || i >= shadow.addressable.length) return undefined;
  if (!shadow.addressable[i]) return 'noaccess';
  const v = shadow.vbits[i]!;
  return v === 0 ? 'defined' : v === 0xff ? 'undefined' : 'partial';
}
