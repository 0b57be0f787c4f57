// The leak classifier (leak.ts) on crafted heaps: blocks from the memcheck heap, a root
// mapping holding the pointers the test writes, and registers that point nowhere unless
// a test says so.
import { describe, expect, it } from 'vitest';
import type { ToolCore } from '../../../src/engine/core/tool.ts';
import { OFFSET_GPR } from '../../../src/engine/guest/amd64/state.ts';
import { AddressSpace, PERM_RW } from '../../../src/engine/memory/index.ts';
import { MemcheckContext } from '../../../src/engine/tools/memcheck/context.ts';
import { Heap, type HeapBlock } from '../../../src/engine/tools/memcheck/heap.ts';
import { findLeaks } from '../../../src/engine/tools/memcheck/leak.ts';
import { DEFAULT_MEMCHECK_OPTIONS } from '../../../src/engine/tools/memcheck/options.ts';
import { shadowMemory } from './shadow-support.ts';

function crafted() {
  const as = new AddressSpace();
  const shadow = shadowMemory(as);
  const heap = new Heap(as, shadow, 1 << 20);
  const state = new DataView(new ArrayBuffer(1024));
  const core = { as, state: () => state, threadStates: () => [state] } as unknown as ToolCore;
  const c = new MemcheckContext(core, shadow, heap, DEFAULT_MEMCHECK_OPTIONS);
  const roots = as.mmap({ addr: 0, length: 0x1000, perm: PERM_RW, shared: false });
  shadow.makeDefined(roots, 0x1000);
  let ip = 0x1000;
  /** A block with an allocation stack of its own (so each block is its own loss record). */
  const block = (size: number): HeapBlock => heap.alloc(size, 16, 'malloc', [ip++], true)!;
  /** Stores a defined pointer at addr. */
  const store = (addr: number, value: number) => {
    as.memory.writeU64(addr, BigInt(value));
    shadow.makeDefined(addr, 8);
  };
  const kinds = (...blocks: HeapBlock[]) => {
    const { records } = findLeaks(c);
    return blocks.map((b) => records.find((r) => r.ips[0] === b.allocIps[0])?.kind);
  };
  return { as, shadow, heap, state, roots, block, store, kinds, leaks: () => findLeaks(c) };
}

describe('leak classifier', () => {
  it('a pointer to the start from a root: still reachable; none at all: definitely lost', () => {
    const h = crafted();
    const kept = h.block(32);
    const lost = h.block(32);
    h.store(h.roots, kept.addr);
    expect(h.kinds(kept, lost)).toEqual(['reachable', 'definite']);
  });

  it('only an interior pointer: possibly lost', () => {
    const h = crafted();
    const b = h.block(64);
    h.store(h.roots + 8, b.addr + 24);
    expect(h.kinds(b)).toEqual(['possible']);
  });

  it('blocks only a lost block points to are indirectly lost, counted to its record', () => {
    const h = crafted();
    const head = h.block(16);
    const a = h.block(16);
    const b = h.block(48);
    h.store(head.addr, a.addr);
    h.store(a.addr + 8, b.addr);
    expect(h.kinds(head, a, b)).toEqual(['definite', 'indirect', 'indirect']);
    const { records, totals } = h.leaks();
    expect(records.find((r) => r.kind === 'definite')).toMatchObject({ bytes: 16, indirectBytes: 64, blocks: 1 });
    expect(totals.indirect).toEqual({ bytes: 64, blocks: 2 });
  });

  it('a cycle with no way in: one block leads it, definitely lost, the rest indirectly', () => {
    const h = crafted();
    const a = h.block(16);
    const b = h.block(16);
    const c = h.block(16);
    h.store(a.addr, b.addr);
    h.store(b.addr, c.addr);
    h.store(c.addr, a.addr);
    expect(h.kinds(a, b, c)).toEqual(['definite', 'indirect', 'indirect']);
  });

  it('a cycle reached from a root is reachable, however it is entered', () => {
    const h = crafted();
    const a = h.block(16);
    const b = h.block(16);
    h.store(a.addr, b.addr);
    h.store(b.addr, a.addr);
    h.store(h.roots, b.addr);
    expect(h.kinds(a, b)).toEqual(['reachable', 'reachable']);
  });

  it('a start pointer found later upgrades a possibly lost block, and what it points to', () => {
    const h = crafted();
    const mid = h.block(32);
    const child = h.block(32);
    h.store(mid.addr + 8, child.addr + 4);
    h.store(h.roots, mid.addr + 16);
    h.store(h.roots + 0x800, mid.addr);
    expect(h.kinds(mid, child)).toEqual(['reachable', 'possible']);
  });

  it('undefined, unaligned or unaddressable words are not pointers', () => {
    const h = crafted();
    const undef = h.block(16);
    const unaligned = h.block(16);
    const hidden = h.block(16);
    h.store(h.roots, undef.addr);
    h.shadow.makeUndefined(h.roots, 8);
    h.as.memory.writeU64(h.roots + 0x11, BigInt(unaligned.addr));
    h.shadow.makeDefined(h.roots + 0x10, 0x10);
    h.store(h.roots + 0x20, hidden.addr);
    h.shadow.makeNoAccess(h.roots + 0x20, 8);
    expect(h.kinds(undef, unaligned, hidden)).toEqual(['definite', 'definite', 'definite']);
  });

  it('registers are roots', () => {
    const h = crafted();
    const b = h.block(16);
    h.state.setBigUint64(OFFSET_GPR(3), BigInt(b.addr), true);
    expect(h.kinds(b)).toEqual(['reachable']);
  });

  it('freed blocks and the heap arenas themselves are not roots', () => {
    const h = crafted();
    const target = h.block(16);
    const other = h.block(16);
    const freed = h.block(16);
    h.store(freed.addr, target.addr);
    h.heap.release(freed, [0]);
    // A defined pointer in a redzone, outside every block: arena memory, not a root.
    h.store(other.addr - 8, other.addr);
    expect(h.kinds(target, other)).toEqual(['definite', 'definite']);
  });
});
