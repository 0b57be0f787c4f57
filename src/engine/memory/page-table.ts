// The permission of every 4 KiB page of the window, one byte each, consulted
// on every guest access by the interpreter and the JIT. The bytes live in the
// engine's reserved region of the shared memory (reserved.ts), where translated
// code reads them directly.
import { MemoryFault, isCanonical, type AccessKind } from './fault.ts';
import { PAGE_SHIFT, PAGE_SIZE, WINDOW_END } from './layout.ts';
import { PERM_R, PERM_W, PERM_X, type GuestAddr, type Perm } from './types.ts';

/** Bits 0..2 are PERM_R/W/X. */
const MAPPED = 8;
/**
 * The page may hold nonzero bytes: it was mapped writable or filled from a
 * file at some point since it was last zeroed. Pages without it are known to
 * be zero, so mapping them anew costs nothing; scrubbing only these keeps a
 * big PROT_NONE reservation from committing host memory.
 */
const DIRTY = 16;
/**
 * Translated code was made from bytes of this page (the translation cache sets
 * and clears it): a guest write here must drop those translations first. The
 * mapping changes (map, unmap) leave it alone; the cache hears of them.
 */
export const PAGE_HAS_CODE = 32;

export class PageTable {
  /** `bits`: one byte per page of the window, zero (nothing mapped) to start with. */
  constructor(private readonly bits: Uint8Array) {
    if (bits.length !== WINDOW_END / PAGE_SIZE) throw new Error('PageTable: the table must cover the window');
  }

  /**
   * null when every byte of [addr, addr + size) lies in a mapped page that
   * grants all of `access` (a Perm mask: PERM_R|PERM_W for a read-modify-write),
   * otherwise the fault the first offending byte raises. An access straddling
   * two pages needs both.
   */
  check(addr: GuestAddr, size: number, access: Perm): MemoryFault | null {
    if (size <= 0) return null;
    const end = addr + size;
    if (!(addr >= 0 && end <= WINDOW_END)) return outsideWindow(addr, access);
    const need = access | MAPPED;
    const bits = this.bits;
    const last = (end - 1) >>> PAGE_SHIFT;
    for (let page = addr >>> PAGE_SHIFT; page <= last; page++) {
      const have = bits[page]!;
      if ((have & need) !== need) {
        const at = Math.max(addr, page * PAGE_SIZE);
        return new MemoryFault(at, accessKind(access & ~have), have & MAPPED ? 'forbidden' : 'unmapped');
      }
    }
    return null;
  }

  /** The permissions the hardware would grant at addr, or undefined where nothing is mapped. */
  permAt(addr: GuestAddr): Perm | undefined {
    if (!(addr >= 0 && addr < WINDOW_END)) return undefined;
    const b = this.bits[addr >>> PAGE_SHIFT]!;
    return b & MAPPED ? b & (PERM_R | PERM_W | PERM_X) : undefined;
  }

  /** Marks the pages of [start, end) mapped with `perm`. */
  map(start: GuestAddr, end: GuestAddr, perm: Perm, mayBecomeDirty: boolean): void {
    const set = MAPPED | grantedPerm(perm) | (mayBecomeDirty ? DIRTY : 0);
    this.forPages(start, end, (b) => (b & (DIRTY | PAGE_HAS_CODE)) | set);
  }

  unmap(start: GuestAddr, end: GuestAddr): void {
    this.forPages(start, end, (b) => b & (DIRTY | PAGE_HAS_CODE));
  }

  /** Whether any page of [start, end) holds translated code. */
  hasCode(start: GuestAddr, end: GuestAddr): boolean {
    const last = Math.min(end, WINDOW_END) - 1;
    for (let page = start >>> PAGE_SHIFT; start < end && page <= last >>> PAGE_SHIFT; page++) {
      if (this.bits[page]! & PAGE_HAS_CODE) return true;
    }
    return false;
  }

  setHasCode(page: number, on: boolean): void {
    this.bits[page] = on ? this.bits[page]! | PAGE_HAS_CODE : this.bits[page]! & ~PAGE_HAS_CODE;
  }

  /** Records that the engine wrote into [start, end) behind the permissions' back (a copy, a fill). */
  markDirty(start: GuestAddr, end: GuestAddr): void {
    this.forPages(start, end, (b) => b | DIRTY);
  }

  /**
   * Calls zero(from, to) for each run of pages in [start, end) that may hold
   * old bytes, and forgets that they did.
   */
  scrub(start: GuestAddr, end: GuestAddr, zero: (from: GuestAddr, to: GuestAddr) => void): void {
    const bits = this.bits;
    const last = end / PAGE_SIZE;
    let runStart = -1;
    for (let page = start / PAGE_SIZE; page <= last; page++) {
      const dirty = page < last && (bits[page]! & DIRTY) !== 0;
      if (dirty) {
        bits[page] = bits[page]! & ~DIRTY;
        if (runStart < 0) runStart = page;
      } else if (runStart >= 0) {
        zero(runStart * PAGE_SIZE, page * PAGE_SIZE);
        runStart = -1;
      }
    }
  }

  private forPages(start: GuestAddr, end: GuestAddr, f: (bits: number) => number): void {
    const bits = this.bits;
    const last = end / PAGE_SIZE;
    for (let page = start / PAGE_SIZE; page < last; page++) bits[page] = f(bits[page]!);
  }
}

/**
 * What the hardware grants for a mapping's perm: on x86 a writable page is
 * also readable, whatever the mapping asked for (maps still shows "-w-p").
 */
export function grantedPerm(perm: Perm): Perm {
  return perm & PERM_W ? perm | PERM_R : perm;
}

function accessKind(missing: Perm): AccessKind {
  if (missing & PERM_W) return 'write';
  if (missing & PERM_X) return 'exec';
  return 'read';
}

function outsideWindow(addr: GuestAddr, access: Perm): MemoryFault {
  const kind = accessKind(access);
  return isCanonical(addr) ? new MemoryFault(addr, kind, 'unmapped') : new MemoryFault(addr, kind, 'general-protection');
}
