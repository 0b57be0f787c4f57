// The guest address space: which ranges are mapped and how, kept in step with
// the page table and the bytes, with the Linux semantics of mmap, munmap,
// mprotect, mremap, brk and madvise. Guest-caused failures return -errno.
import { EEXIST, EFAULT, EINVAL, ENOMEM, EPERM } from './errno.ts';
import type { MemoryFault } from './fault.ts';
import { GuestMemory } from './guest-memory.ts';
import {
  BRK_MAX_SIZE, CLIENT_MMAP_BASE, ENGINE_RESERVED_START, MMAP_MIN_ADDR, PAGE_SIZE, STACK_TOP, WINDOW_END,
  isPageAligned, pageDown, pageUp,
} from './layout.ts';
import { MappingList, canMerge, newMapping, slice, withPerm, type FileBacking, type Mapping } from './mappings.ts';
import { PageTable, grantedPerm } from './page-table.ts';
import { renderProcMaps } from './proc-maps.ts';
import { PAGE_TABLE, PAGE_TABLE_SIZE } from './reserved.ts';
import { PERM_NONE, PERM_R, PERM_RW, PERM_RWX, PERM_W, type GuestAddr, type Perm } from './types.ts';

/** Guest memory coming and going, as Valgrind's core tells its tools (track_new_mem_mmap,
 *  track_new_mem_brk, track_die_mem_munmap, track_die_mem_brk, track_copy_mem_remap):
 *  what mmap, munmap, mremap and brk did, whoever asked (a syscall, the tool's own heap). */
export interface MemoryEvents {
  /** [addr, addr+len) was mapped: zero-filled, or a file's bytes. */
  mapped(addr: GuestAddr, len: number): void;
  /** The break moved up from `from` to `to`: new bytes no program has written. */
  brkGrew(from: GuestAddr, to: GuestAddr): void;
  /** [addr, addr+len) is gone (munmap, a shrinking break or mremap, a mapping replaced). */
  unmapped(addr: GuestAddr, len: number): void;
  /** mremap moved `len` bytes from `from` to `to` (the old place goes after). */
  moved(from: GuestAddr, to: GuestAddr, len: number): void;
}

export interface AddressSpaceOptions {
  /**
   * Receives a printable explanation when the guest asks for something the
   * window cannot hold (the guest itself only sees the errno).
   */
  warn?: (message: string) => void;
  /**
   * Told when bytes of a page holding translated code (PageTable's PAGE_HAS_CODE) may
   * have changed, or its mapping did (munmap, mprotect, a mapping over it), before the
   * change is visible to the guest: the translations made from [start, end) must go.
   */
  codeChanged?: (start: GuestAddr, end: GuestAddr) => void;
}

/** An mmap request, its Linux flags already decoded by the syscall layer. */
export interface MapRequest {
  /** The hint, or with `fixed` the exact address; 0 means anywhere. */
  addr: GuestAddr;
  length: number;
  perm: Perm;
  /** MAP_FIXED ('replace') or MAP_FIXED_NOREPLACE ('noreplace'). */
  fixed?: 'replace' | 'noreplace';
  /** MAP_SHARED (default MAP_PRIVATE). */
  shared?: boolean;
  /** For a file mapping: what maps shows. The caller copies the file's bytes in. */
  file?: FileBacking;
}

export interface MremapOptions {
  /** MREMAP_MAYMOVE. */
  mayMove?: boolean;
  /** MREMAP_FIXED: move to exactly this address (needs mayMove). */
  newAddr?: GuestAddr;
}

export interface MainStack {
  /** Exclusive top: the first byte above the stack. */
  readonly top: GuestAddr;
  /**
   * Lowest address of the stack's reservation. The stack can grow down to one
   * page above it; a fault in that last page is a stack overflow.
   */
  readonly limit: GuestAddr;
  /** What Valgrind reports as "The main thread stack size used in this run". */
  readonly maxSize: number;
}

export class AddressSpace {
  readonly memory: GuestMemory;
  private readonly pages: PageTable;
  private readonly maps = new MappingList();
  private readonly warn: (message: string) => void;
  private readonly codeChanged: (start: GuestAddr, end: GuestAddr) => void;
  private brkBase: GuestAddr | undefined;
  private brkCurrent: GuestAddr = 0;
  private stack: MainStack | undefined;
  /** Who hears of memory coming and going (the tool), once there is one. */
  events?: MemoryEvents;

  constructor(options: AddressSpaceOptions = {}) {
    this.memory = new GuestMemory();
    this.pages = new PageTable(this.memory.view(PAGE_TABLE, PAGE_TABLE_SIZE));
    this.warn = options.warn ?? (() => {});
    this.codeChanged = options.codeChanged ?? (() => {});
  }

  /** The translation cache marks (and unmarks) a page as holding translated code. */
  setHasCode(page: number, on: boolean): void {
    this.pages.setHasCode(page, on);
  }

  /** The engine wrote [addr, addr + length) of guest memory behind the guest's back (a
   *  replacement's memcpy, a checked store): translations made from it must go. */
  noteWritten(addr: GuestAddr, length: number): void {
    if (this.pages.hasCode(addr, addr + length)) this.codeChanged(addr, addr + length);
  }

  get mappings(): readonly Mapping[] {
    return this.maps.all;
  }

  get mainStack(): MainStack | undefined {
    return this.stack;
  }

  mappingAt(addr: GuestAddr): Mapping | undefined {
    return this.maps.find(addr);
  }

  /** See PageTable.check: null when the access is allowed, else its fault. */
  check(addr: GuestAddr, size: number, access: Perm): MemoryFault | null {
    return this.pages.check(addr, size, access);
  }

  /**
   * An access by guest code, as the hardware and kernel would treat it: a fault just
   * below the main stack grows the stack and the access goes ahead; a write to a page
   * holding translated code drops those translations first. null, or the fault.
   */
  guestAccess(addr: GuestAddr, size: number, access: Perm): MemoryFault | null {
    const fault = this.pages.check(addr, size, access);
    if (fault && !(fault.cause === 'unmapped' && this.growStack(addr) && !this.pages.check(addr, size, access))) return fault;
    if (access & PERM_W) this.noteWritten(addr, size);
    return null;
  }

  renderProcMaps(): string {
    return renderProcMaps(this.maps.all);
  }

  // ------------------------------------------------------------- mmap family

  /**
   * Non-fixed placement follows Valgrind's aspacemgr on amd64 (am_get_advisory):
   * a hint is honoured when no guest mapping is in the way (reservations
   * don't count, and below CLIENT_MMAP_BASE counts too); otherwise, and
   * without a hint, the first fit searching upward from CLIENT_MMAP_BASE.
   * Returns the address, or -errno.
   */
  mmap(req: MapRequest): number {
    if (!(req.length > 0) || req.perm & ~PERM_RWX) return -EINVAL;
    const length = pageUp(req.length);
    let start: GuestAddr;
    if (req.fixed) {
      if (!isPageAligned(req.addr)) return -EINVAL;
      if (req.addr < MMAP_MIN_ADDR) return -EPERM;
      // Valgrind fails a fixed mapping it cannot place with EINVAL.
      if (this.refuseOutsideWindow('a fixed mapping', req.addr, length)) return -EINVAL;
      if (req.fixed === 'noreplace' && this.occupied(req.addr, req.addr + length)) return -EEXIST;
      start = req.addr;
    } else {
      const placed = this.place(req.addr, length);
      if (placed === undefined) return -ENOMEM;
      start = placed;
    }
    this.unmapRange(start, start + length);
    this.install(newMapping({
      start, end: start + length, perm: req.perm, shared: req.shared ?? false,
      kind: req.file ? 'file' : 'anon', ...(req.file && { file: req.file }),
    }));
    this.events?.mapped(start, length);
    return start;
  }

  /** Unmaps whatever is mapped in the range (holes are fine, as on Linux). Returns 0 or -errno. */
  munmap(addr: GuestAddr, length: number): number {
    if (!isPageAligned(addr) || !(length > 0)) return -EINVAL;
    const end = addr + pageUp(length);
    if (this.refuseOutsideWindow('munmap', addr, end - addr)) return -EINVAL;
    this.unmapRange(addr, end);
    return 0;
  }

  /**
   * Changes the permissions of a fully mapped range, splitting and merging
   * mappings as needed. A hole gives ENOMEM and changes nothing (Linux applies
   * the change up to the hole first; no program relies on that).
   */
  mprotect(addr: GuestAddr, length: number, perm: Perm): number {
    if (!isPageAligned(addr) || perm & ~PERM_RWX) return -EINVAL;
    if (length === 0) return 0;
    const end = addr + pageUp(length);
    if (end > ENGINE_RESERVED_START) return -ENOMEM;
    const pieces = this.maps.within(addr, end);
    if (!coversWithMappings(pieces, addr, end)) return -ENOMEM;
    this.maps.replace(addr, end, pieces.map((m) => withPerm(m, perm)));
    this.syncPages(addr, end);
    return 0;
  }

  /**
   * Resizes or moves part of one mapping. Growing happens in place when the
   * pages after it are free; otherwise, with mayMove, the mapping moves to
   * the first fit and its bytes are copied. Returns the (new) address or -errno.
   */
  mremap(oldAddr: GuestAddr, oldSize: number, newSize: number, options: MremapOptions = {}): number {
    const fixed = options.newAddr;
    if (!isPageAligned(oldAddr) || (fixed !== undefined && !options.mayMove)) return -EINVAL;
    const oldLength = pageUp(oldSize);
    const newLength = pageUp(newSize);
    // old_size 0 duplicates a shared mapping on Linux; nothing here needs that.
    if (oldLength === 0 || newLength === 0) return -EINVAL;
    const m = this.maps.find(oldAddr);
    if (!m || m.kind === 'reserved' || oldAddr + oldLength > m.end) return -EFAULT;
    const old = slice(m, oldAddr, oldAddr + oldLength);

    if (fixed !== undefined) {
      if (!isPageAligned(fixed) || (fixed < old.end && oldAddr < fixed + newLength)) return -EINVAL;
      if (fixed < MMAP_MIN_ADDR) return -EPERM;
      if (this.refuseOutsideWindow('mremap to a fixed address', fixed, newLength)) return -EINVAL;
      return this.move(old, fixed, newLength);
    }
    if (newLength <= oldLength) {
      this.unmapRange(oldAddr + newLength, old.end);
      return oldAddr;
    }
    const newEnd = oldAddr + newLength;
    if (old.end === m.end && newEnd <= ENGINE_RESERVED_START && this.maps.isFree(old.end, newEnd)) {
      this.install(slice({ ...old, end: newEnd }, old.end, newEnd));
      this.events?.mapped(old.end, newEnd - old.end);
      return oldAddr;
    }
    if (!options.mayMove) return -ENOMEM;
    const dest = this.place(0, newLength);
    return dest === undefined ? -ENOMEM : this.move(old, dest, newLength);
  }

  /**
   * MADV_DONTNEED: private anonymous pages read as zero afterwards. Shared
   * pages keep their bytes; private file pages should revert to the file's,
   * which is the caller's to do (this module has no files). 0 or -errno.
   */
  madviseDontNeed(addr: GuestAddr, length: number): number {
    if (!isPageAligned(addr)) return -EINVAL;
    if (length === 0) return 0;
    const end = addr + pageUp(length);
    if (end > ENGINE_RESERVED_START) return -ENOMEM;
    const pieces = this.maps.within(addr, end);
    for (const m of pieces) {
      if (m.kind !== 'reserved' && m.kind !== 'file' && !m.shared) this.scrub(m.start, m.end);
    }
    this.syncPages(addr, end);
    return coversWithMappings(pieces, addr, end) ? 0 : -ENOMEM;
  }

  // ------------------------------------------------------------------- brk

  /**
   * Creates the brk segment as Valgrind's setup_client_dataseg does: one
   * mapped rwx page followed by a reservation, BRK_MAX_SIZE in all, at the
   * page-aligned end of the data segment if that is free client space, or else
   * at the first fit from CLIENT_MMAP_BASE. A main program below
   * CLIENT_MMAP_BASE (any PIE at PIE_BASE, any static binary at 0x400000)
   * therefore gets its brk just above ld.so, as under Valgrind. Returns the
   * brk base or -ENOMEM.
   */
  initBrk(dataEnd: GuestAddr): number {
    if (this.brkBase !== undefined) throw new Error('initBrk: the brk segment already exists');
    const want = pageUp(dataEnd);
    // Valgrind reserves everything below aspacem_minAddr (CLIENT_MMAP_BASE), so its
    // am_create_reservation at the data end only succeeds above it.
    const end = want + BRK_MAX_SIZE;
    const free = want >= CLIENT_MMAP_BASE && end <= ENGINE_RESERVED_START && this.maps.isFree(want, end);
    const base = free ? want : this.place(0, BRK_MAX_SIZE);
    if (base === undefined) return -ENOMEM;
    const mapped = this.install(newMapping({ start: base, end: base + PAGE_SIZE, perm: PERM_RWX, shared: false, kind: 'brk' }));
    if (mapped < 0) return mapped;
    this.install(reservation(base + PAGE_SIZE, base + BRK_MAX_SIZE));
    this.brkBase = this.brkCurrent = base;
    return base;
  }

  /**
   * The brk system call: returns the new break, or the unchanged one when the
   * request is refused (below the base, past BRK_MAX_SIZE, into another
   * mapping, or out of memory), exactly as Linux's brk reports failure.
   * brk(0) is a query. Shrinking unmaps the freed pages (returning them to the
   * reservation); Valgrind instead zeroes them and leaves them mapped.
   */
  brk(requested: GuestAddr): GuestAddr {
    const base = this.brkBase;
    if (base === undefined || requested < base || requested > base + BRK_MAX_SIZE) return this.brkCurrent;
    const oldEnd = this.brkSegmentEnd(this.brkCurrent);
    const newEnd = this.brkSegmentEnd(requested);
    if (newEnd < oldEnd) {
      this.install(reservation(newEnd, oldEnd));
    } else if (newEnd > oldEnd) {
      if (this.occupied(oldEnd, newEnd)) return this.brkCurrent;
      this.install(newMapping({ start: oldEnd, end: newEnd, perm: PERM_RWX, shared: false, kind: 'brk' }));
    }
    const was = this.brkCurrent;
    this.brkCurrent = requested;
    if (requested > was) this.events?.brkGrew(was, requested);
    else if (requested < was) this.events?.unmapped(requested, was - requested);
    return requested;
  }

  /** The segment always keeps its first page, as Valgrind's does. */
  private brkSegmentEnd(brk: GuestAddr): GuestAddr {
    return Math.max(pageUp(brk), this.brkBase! + PAGE_SIZE);
  }

  // ----------------------------------------------------------------- stack

  /**
   * Lays out the main thread's stack below STACK_TOP as Valgrind's
   * setup_client_stack does: the pages holding the initial frame (argv, envp,
   * auxv and their strings: `initialBytes`) plus one more for the 128-byte red
   * zone are mapped, and the rest of `maxSize` is a reservation the stack
   * grows down into (growStack). Undefined when the space is taken, which
   * Valgrind reports as "I failed to allocate space for the application's stack."
   */
  setupMainStack(maxSize: number, initialBytes: number, perm: Perm = PERM_RW): MainStack | undefined {
    if (this.stack) throw new Error('setupMainStack: the main stack already exists');
    const top = STACK_TOP;
    const size = pageUp(maxSize);
    const limit = top - size;
    const bottom = pageDown(top - initialBytes) - PAGE_SIZE;
    if (bottom <= limit || limit < MMAP_MIN_ADDR || !this.maps.isFree(limit, top)) return undefined;
    if (this.install(newMapping({ start: bottom, end: top, perm, shared: false, kind: 'stack' })) < 0) return undefined;
    this.install(reservation(limit, bottom));
    this.stack = { top, limit, maxSize: size };
    return this.stack;
  }

  /**
   * Valgrind's VG_(extend_stack): an access at addr inside the main stack's
   * reservation, above its lowest page, maps the stack down to addr's page.
   * Returns whether it did; if so the faulting access can be retried.
   */
  growStack(addr: GuestAddr): boolean {
    const s = this.stack;
    if (!s || addr < s.limit + PAGE_SIZE || addr >= s.top) return false;
    const hole = this.maps.find(addr);
    const stack = hole && this.maps.find(hole.end);
    if (hole?.kind !== 'reserved' || stack?.kind !== 'stack') return false;
    return this.install({ ...stack, start: pageDown(addr), end: hole.end }) >= 0;
  }

  // ------------------------------------------------ checked guest access

  /** A copy of guest bytes the guest could read itself (copy_from_user). */
  readBytes(addr: GuestAddr, length: number): Uint8Array | MemoryFault {
    return this.pages.check(addr, length, PERM_R) ?? this.memory.readBytes(addr, length);
  }

  /** The engine's own writes for the guest that a tool checked itself (memcheck's
   *  replacements check A bits, not page permissions), as memmove and memset: unchecked,
   *  but translations made from the bytes go, as for any store. */
  copyUnchecked(dest: GuestAddr, src: GuestAddr, length: number): void {
    this.noteWritten(dest, length);
    this.memory.copy(dest, src, length);
  }

  fillUnchecked(addr: GuestAddr, length: number, value: number): void {
    this.noteWritten(addr, length);
    this.memory.fill(addr, length, value);
  }

  /** Writes where the guest could write itself (copy_to_user): null, or the fault and nothing written. */
  writeBytes(addr: GuestAddr, bytes: Uint8Array): MemoryFault | null {
    const fault = this.pages.check(addr, bytes.length, PERM_W);
    if (!fault) {
      this.noteWritten(addr, bytes.length);
      this.memory.writeBytes(addr, bytes);
    }
    return fault;
  }

  /**
   * The bytes of a NUL-terminated guest string, without the NUL
   * (strncpy_from_user). A fault if an unreadable byte comes before the NUL;
   * null if there is no NUL among the first maxLength bytes.
   */
  readCString(addr: GuestAddr, maxLength: number): Uint8Array | MemoryFault | null {
    const limit = addr + maxLength;
    for (let chunk = addr; chunk < limit; chunk = pageDown(chunk) + PAGE_SIZE) {
      const chunkEnd = Math.min(limit, pageDown(chunk) + PAGE_SIZE);
      const fault = this.pages.check(chunk, chunkEnd - chunk, PERM_R);
      if (fault) return fault;
      const nul = this.memory.findNul(chunk, chunkEnd - chunk);
      if (nul >= 0) return this.memory.readBytes(addr, chunk + nul - addr);
    }
    return null;
  }

  // ------------------------------------------------------------ sanity

  /**
   * Problems with the invariants, for tests and debug builds: mappings sorted,
   * page-aligned, inside the guest's part of the window, not overlapping,
   * none mergeable with its neighbour, and the page table agreeing with them
   * in [from, to).
   */
  sanityCheck(from: GuestAddr = 0, to: GuestAddr = WINDOW_END): string[] {
    const problems: string[] = [];
    const list = this.maps.all;
    list.forEach((m, i) => {
      const at = `mapping ${i} [0x${m.start.toString(16)}, 0x${m.end.toString(16)})`;
      if (!isPageAligned(m.start) || !isPageAligned(m.end) || m.start >= m.end) problems.push(`${at}: bad bounds`);
      if (m.end > ENGINE_RESERVED_START) problems.push(`${at}: reaches the engine's reserved region`);
      const prev = list[i - 1];
      if (prev && prev.end > m.start) problems.push(`${at}: overlaps or precedes the previous mapping`);
      if (prev && canMerge(prev, m)) problems.push(`${at}: should have merged with the previous mapping`);
    });
    for (let addr = pageDown(from); addr < to; addr += PAGE_SIZE) {
      const m = this.maps.find(addr);
      const expected = m && m.kind !== 'reserved' ? grantedPerm(m.perm) : undefined;
      const actual = this.pages.permAt(addr);
      if (actual !== expected) problems.push(`page 0x${addr.toString(16)}: table says ${actual}, mappings say ${expected}`);
    }
    return problems;
  }

  // ---------------------------------------------------------- internals

  private place(hint: GuestAddr, length: number): GuestAddr | undefined {
    const at = pageUp(hint);
    // Below mmap_min_addr the kernel refuses Valgrind's choice and it retries anywhere.
    if (hint !== 0 && at >= MMAP_MIN_ADDR && at + length <= ENGINE_RESERVED_START && !this.occupied(at, at + length)) {
      return at;
    }
    return this.maps.firstFit(length, CLIENT_MMAP_BASE, ENGINE_RESERVED_START);
  }

  /** Whether anything other than a reservation lies in [start, end). */
  private occupied(start: GuestAddr, end: GuestAddr): boolean {
    return this.maps.within(start, end).some((m) => m.kind !== 'reserved');
  }

  /**
   * Puts m in place of whatever was in its range. Memory that becomes
   * accessible reads as zero, whatever it held before. Returns m.start.
   */
  private install(m: Mapping): number {
    this.maps.replace(m.start, m.end, [m]);
    if (m.kind !== 'reserved') this.scrub(m.start, m.end);
    this.syncPages(m.start, m.end);
    return m.start;
  }

  private move(old: Mapping, dest: GuestAddr, newLength: number): number {
    const kind = old.kind === 'file' ? 'file' : 'anon'; // [heap] and [stack] name places, not contents
    this.unmapRange(dest, dest + newLength);
    this.install({ ...old, kind, start: dest, end: dest + newLength });
    const copied = Math.min(old.end - old.start, newLength);
    this.memory.copy(dest, old.start, copied);
    this.pages.markDirty(dest, dest + copied);
    this.events?.moved(old.start, dest, copied);
    this.unmapRange(old.start, old.end);
    if (newLength > copied) this.events?.mapped(dest + copied, newLength - copied);
    return dest;
  }

  /** munmap proper: reservations in the range survive, as they are not guest mappings. */
  private unmapRange(start: GuestAddr, end: GuestAddr): void {
    if (this.pages.hasCode(start, end)) this.codeChanged(start, end);
    const pieces = this.maps.within(start, end);
    this.maps.replace(start, end, pieces.filter((m) => m.kind === 'reserved'));
    this.pages.unmap(start, end);
    for (const m of pieces) {
      if (m.kind !== 'reserved') this.events?.unmapped(Math.max(m.start, start), Math.min(m.end, end) - Math.max(m.start, start));
    }
  }

  private scrub(start: GuestAddr, end: GuestAddr): void {
    this.pages.scrub(start, end, (from, to) => this.memory.fill(from, to - from));
  }

  /** Rewrites the page table over [start, end) from the mapping list. */
  private syncPages(start: GuestAddr, end: GuestAddr): void {
    if (this.pages.hasCode(start, end)) this.codeChanged(start, end);
    this.pages.unmap(start, end);
    for (const m of this.maps.within(start, end)) {
      if (m.kind === 'reserved') continue;
      this.pages.map(m.start, m.end, m.perm, (m.perm & PERM_W) !== 0 || m.kind === 'file');
    }
  }

  private refuseOutsideWindow(what: string, addr: GuestAddr, length: number): boolean {
    if (addr + length <= ENGINE_RESERVED_START) return false;
    const hex = (n: number) => `0x${n.toString(16)}`;
    this.warn(
      addr + length <= WINDOW_END
        ? `grindlab: guest asked for ${what} at ${hex(addr)} of ${hex(length)} bytes, which reaches into ` +
            `the engine's reserved top ${(WINDOW_END - ENGINE_RESERVED_START) >> 20} MiB (${hex(ENGINE_RESERVED_START)} and up)`
        : `grindlab: guest asked for ${what} at ${hex(addr)}, outside the 4 GiB guest window`,
    );
    return true;
  }
}

function reservation(start: GuestAddr, end: GuestAddr): Mapping {
  return newMapping({ start, end, perm: PERM_NONE, shared: false, kind: 'reserved' });
}

/** Whether the clipped pieces cover [start, end) with guest mappings, no hole and no reservation. */
function coversWithMappings(pieces: readonly Mapping[], start: GuestAddr, end: GuestAddr): boolean {
  let cursor = start;
  for (const m of pieces) {
    if (m.start !== cursor || m.kind === 'reserved') return false;
    cursor = m.end;
  }
  return cursor === end;
}
