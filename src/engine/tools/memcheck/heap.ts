// Memcheck's client heap: blocks handed out by the malloc-family replacements, each with
// 16-byte noaccess redzones on both sides, new bytes undefined (calloc: defined), freed
// blocks noaccess and held back in queues of --freelist-vol bytes so that a use after
// free still finds its block to describe. Block memory comes from arenas the heap maps
// in the guest's address space, which the leak checker does not scan as roots.
import { type AddressSpace, PAGE_SIZE, PERM_RW, pageUp } from '../../memory/index.ts';
import type { ShadowMemory } from './shadow-memory.ts';

/** How a block was allocated, for Valgrind's "Mismatched free() / delete / delete []". */
export type AllocKind = 'malloc' | 'new' | 'new[]' | 'custom';

export interface HeapBlock {
  addr: number;
  size: number;
  kind: AllocKind;
  allocIps: number[];
  freeIps?: number[];
}

export const REDZONE = 16;
const ARENA_SIZE = 1 << 20;
const ALIGN = 16;

interface Extent { start: number; end: number }

export class Heap {
  readonly live = new Map<number, HeapBlock>();
  /** Freed blocks waiting, as mc_malloc_wrappers.c's freed lists: [0] those of
   *  --freelist-big-blocks bytes or more, [1] the rest; each oldest first except that a
   *  block of --freelist-vol bytes or more goes first, to be released first. */
  private readonly queues: [HeapBlock[], HeapBlock[]] = [[], []];
  private freedVolume = 0;
  /** Arena space not in any block (with its redzones), sorted by address. */
  private readonly free: Extent[] = [];
  readonly arenas: Extent[] = [];
  /** "total heap usage" */
  allocs = 0;
  frees = 0;
  bytesAllocated = 0;

  constructor(
    private readonly as: AddressSpace, private readonly shadow: ShadowMemory,
    private readonly freelistVol: number, private readonly freelistBigBlocks = 1_000_000,
  ) {}

  /** Freed blocks still held back, big ones first, each queue in release order. */
  get freed(): HeapBlock[] {
    return this.queues.flat();
  }

  /** A new block of `size` bytes aligned to `align`, or undefined when memory runs out. */
  alloc(size: number, align: number, kind: AllocKind, allocIps: number[], zeroed: boolean): HeapBlock | undefined {
    const a = Math.max(ALIGN, align);
    const addr = this.carve(size, a);
    if (addr === undefined) return undefined;
    // Memcheck releases queued blocks when it records a new one, after carving it: the
    // queue may exceed --freelist-vol until then, so a block just freed is still
    // described however small the volume.
    this.releaseOldest();
    const b: HeapBlock = { addr, size, kind, allocIps };
    this.live.set(addr, b);
    this.allocs++;
    this.bytesAllocated += size;
    if (zeroed) {
      this.as.fillUnchecked(addr, size, 0);
      this.shadow.makeDefined(addr, size);
    } else {
      this.shadow.makeUndefined(addr, size);
    }
    return b;
  }

  /** Frees a live block: noaccess, queued. */
  release(b: HeapBlock, freeIps: number[]): void {
    this.live.delete(b.addr);
    this.frees++;
    b.freeIps = freeIps;
    this.shadow.makeNoAccess(b.addr, b.size);
    const q = this.queues[b.size >= this.freelistBigBlocks ? 0 : 1];
    if (b.size >= this.freelistVol) q.unshift(b);
    else q.push(b);
    this.freedVolume += b.size;
  }

  /** Gives queued blocks back, big ones first, until --freelist-vol bytes are left. */
  private releaseOldest(): void {
    for (const q of this.queues) {
      while (this.freedVolume > this.freelistVol && q.length > 0) {
        const old = q.shift()!;
        this.freedVolume -= old.size;
        // A client-described block (MALLOCLIKE_BLOCK) was never the heap's memory.
        if (old.kind !== 'custom') this.giveBack(old);
      }
    }
  }

  /** The live or recently freed block whose payload or redzones hold addr: live blocks
   *  first, then the freed ones in queue order, as memcheck's describe_addr looks. */
  blockNear(addr: number): HeapBlock | undefined {
    const near = (b: HeapBlock) => addr >= b.addr - REDZONE && addr < b.addr + b.size + REDZONE;
    for (const b of this.live.values()) if (near(b)) return b;
    return this.queues.flat().find(near);
  }

  /** The parts of [start, end) outside every arena. */
  outsideArenas(start: number, end: number): [number, number][] {
    let parts: [number, number][] = [[start, end]];
    for (const a of this.arenas) {
      parts = parts.flatMap(([s, e]): [number, number][] => (a.end <= s || a.start >= e ? [[s, e]]
        : ([[s, a.start], [a.end, e]] as [number, number][]).filter(([x, y]) => y > x)));
    }
    return parts;
  }

  /** First fit in the free extents, redzone before and after; a new arena if none fits. */
  private carve(size: number, align: number): number | undefined {
    for (let attempt = 0; attempt < 2; attempt++) {
      for (let i = 0; i < this.free.length; i++) {
        const e = this.free[i]!;
        const addr = Math.ceil((e.start + REDZONE) / align) * align;
        const end = addr + Math.ceil(Math.max(size, 1) / ALIGN) * ALIGN + REDZONE;
        if (end > e.end) continue;
        this.free.splice(i, 1, ...[{ start: e.start, end: addr - REDZONE }, { start: end, end: e.end }].filter((x) => x.end > x.start));
        return addr;
      }
      if (!this.grow(size + align + 2 * REDZONE)) return undefined;
    }
    return undefined;
  }

  private grow(need: number): boolean {
    const length = pageUp(Math.max(ARENA_SIZE, need + PAGE_SIZE));
    const start = this.as.mmap({ addr: 0, length, perm: PERM_RW, shared: false });
    if (start < 0) return false;
    this.arenas.push({ start, end: start + length });
    this.shadow.makeNoAccess(start, length);
    this.insertFree({ start, end: start + length });
    return true;
  }

  private giveBack(b: HeapBlock): void {
    const start = b.addr - REDZONE;
    this.insertFree({ start, end: b.addr + Math.ceil(Math.max(b.size, 1) / ALIGN) * ALIGN + REDZONE });
  }

  private insertFree(x: Extent): void {
    let i = this.free.findIndex((e) => e.start > x.start);
    if (i < 0) i = this.free.length;
    this.free.splice(i, 0, x);
    // Coalesce with neighbours.
    for (let j = Math.max(0, i - 1); j < this.free.length - 1;) {
      const a = this.free[j]!, b = this.free[j + 1]!;
      if (a.end >= b.start) { this.free.splice(j, 2, { start: a.start, end: Math.max(a.end, b.end) }); } else if (j >= i) break; else j++;
    }
  }
}
