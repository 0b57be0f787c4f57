// The guest's mappings: a sorted list of non-overlapping, page-aligned
// segments, the model /proc/self/maps prints and the page table is derived from.
import { PERM_W, type GuestAddr, type Perm } from './types.ts';

/**
 * - anon: anonymous memory (MAP_ANONYMOUS, a thread stack, a bss tail).
 * - file: a file's bytes (the loader's segments, mmap of a file).
 * - stack: the main thread's stack, "[stack]" in maps.
 * - brk: the data segment brk() moves, "[heap]" in maps.
 * - reserved: address space held back for the brk or the main stack to grow
 *   into, like Valgrind's SmLower/SmUpper reservations. Not accessible and not
 *   in maps; first-fit placement avoids it, but MAP_FIXED and a hinted mmap
 *   may take it over, as under Valgrind.
 */
export type MappingKind = 'anon' | 'file' | 'stack' | 'brk' | 'reserved';

/** What /proc/self/maps shows of a file mapping. */
export interface FileBacking {
  readonly path: string;
  /** File offset of the mapping's first byte. */
  readonly offset: number;
  readonly devMajor: number;
  readonly devMinor: number;
  readonly inode: number;
}

export interface Mapping {
  /** Page-aligned; the mapping covers [start, end). */
  readonly start: GuestAddr;
  readonly end: GuestAddr;
  /** As the guest asked for it (what maps shows), not as the hardware grants it. */
  readonly perm: Perm;
  /** MAP_SHARED: maps shows 's'. */
  readonly shared: boolean;
  readonly kind: MappingKind;
  readonly file?: FileBacking;
  /**
   * Linux's VM_ACCOUNT: a private mapping that has been writable at some
   * point. It stays set when mprotect takes write away, and mappings that
   * differ in it never merge: that is why maps shows a RELRO segment apart
   * from the read-only segment before it, at a contiguous file offset.
   * (Linux clears it on an anonymous mapping none of whose pages was ever
   * written; guest stores are invisible here, so it stays set.)
   */
  readonly accounted: boolean;
}

/** A mapping as mmap, brk or the stack setup creates it. */
export function newMapping(fields: Omit<Mapping, 'accounted'>): Mapping {
  return { ...fields, accounted: isAccounted(fields.shared, fields.perm) };
}

/** m after mprotect(perm). */
export function withPerm(m: Mapping, perm: Perm): Mapping {
  return { ...m, perm, accounted: m.accounted || isAccounted(m.shared, perm) };
}

function isAccounted(shared: boolean, perm: Perm): boolean {
  return !shared && (perm & PERM_W) !== 0;
}

/** The part of m within [start, end), its file offset moved along with it. */
export function slice(m: Mapping, start: GuestAddr, end: GuestAddr): Mapping {
  if (!m.file || start === m.start) return { ...m, start, end };
  return { ...m, start, end, file: { ...m.file, offset: m.file.offset + (start - m.start) } };
}

/**
 * Linux merges adjacent mappings that differ in nothing but their range, so
 * maps shows one line where a program made several mmap calls; so do we.
 * Shared anonymous mappings are distinct objects and never merge.
 */
export function canMerge(a: Mapping, b: Mapping): boolean {
  if (a.end !== b.start || a.kind !== b.kind || a.perm !== b.perm || a.shared !== b.shared || a.accounted !== b.accounted) {
    return false;
  }
  if (!a.file || !b.file) return !a.file && !b.file && !(a.shared && a.kind === 'anon');
  return (
    a.file.path === b.file.path && a.file.inode === b.file.inode &&
    a.file.devMajor === b.file.devMajor && a.file.devMinor === b.file.devMinor &&
    b.file.offset === a.file.offset + (a.end - a.start)
  );
}

export class MappingList {
  private list: Mapping[] = [];

  get all(): readonly Mapping[] {
    return this.list;
  }

  find(addr: GuestAddr): Mapping | undefined {
    const m = this.list[this.indexAfter(addr)];
    return m && m.start <= addr ? m : undefined;
  }

  /** The mappings overlapping [start, end), clipped to it. */
  within(start: GuestAddr, end: GuestAddr): Mapping[] {
    const out: Mapping[] = [];
    for (let i = this.indexAfter(start); i < this.list.length && this.list[i]!.start < end; i++) {
      const m = this.list[i]!;
      out.push(slice(m, Math.max(m.start, start), Math.min(m.end, end)));
    }
    return out;
  }

  isFree(start: GuestAddr, end: GuestAddr): boolean {
    const m = this.list[this.indexAfter(start)];
    return !m || m.start >= end;
  }

  /** The lowest address in [from, to) with `length` free bytes after it. */
  firstFit(length: number, from: GuestAddr, to: GuestAddr): GuestAddr | undefined {
    let cursor = from;
    for (let i = this.indexAfter(from); i < this.list.length; i++) {
      const m = this.list[i]!;
      if (m.start >= cursor + length) break;
      cursor = m.end;
    }
    return cursor + length <= to ? cursor : undefined;
  }

  /**
   * Replaces whatever lies in [start, end) with `pieces` (sorted, within the
   * range), splitting the mappings that straddle its edges, then merges
   * neighbours that have become indistinguishable.
   */
  replace(start: GuestAddr, end: GuestAddr, pieces: readonly Mapping[]): void {
    const first = this.indexAfter(start);
    let past = first;
    while (past < this.list.length && this.list[past]!.start < end) past++;
    const run: Mapping[] = [];
    const before = this.list[first - 1];
    if (before) run.push(before);
    if (past > first && this.list[first]!.start < start) run.push(slice(this.list[first]!, this.list[first]!.start, start));
    run.push(...pieces);
    if (past > first && this.list[past - 1]!.end > end) run.push(slice(this.list[past - 1]!, end, this.list[past - 1]!.end));
    const after = this.list[past];
    if (after) run.push(after);
    this.list.splice(before ? first - 1 : first, past - first + (before ? 1 : 0) + (after ? 1 : 0), ...coalesce(run));
  }

  /** Index of the first mapping that ends above addr. */
  private indexAfter(addr: GuestAddr): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.list[mid]!.end <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function coalesce(run: readonly Mapping[]): Mapping[] {
  const out: Mapping[] = [];
  for (const m of run) {
    const prev = out[out.length - 1];
    if (prev && canMerge(prev, m)) out[out.length - 1] = { ...prev, end: m.end };
    else out.push(m);
  }
  return out;
}
