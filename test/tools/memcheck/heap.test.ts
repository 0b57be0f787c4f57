// The memcheck heap's freed-block queues (--freelist-vol, --freelist-big-blocks): blocks
// wait until the next allocation, big ones and those over the volume are given back
// first, and given-back space is reused.
import { describe, expect, it } from 'vitest';
import { AddressSpace } from '../../../src/engine/memory/index.ts';
import { Heap } from '../../../src/engine/tools/memcheck/heap.ts';
import { shadowMemory } from './shadow-support.ts';

const heapOf = (vol: number, big?: number) => {
  const as = new AddressSpace();
  return new Heap(as, shadowMemory(as), vol, big);
};

describe('memcheck heap', () => {
  it('a freed block stays describable until the next allocation, even with no volume', () => {
    const h = heapOf(0);
    const b = h.alloc(100, 16, 'malloc', [1], false)!;
    h.release(b, [2]);
    expect(h.blockNear(b.addr + 3)).toBe(b);
    h.alloc(8, 16, 'malloc', [3], false);
    expect(h.blockNear(b.addr + 3)).toBeUndefined();
    expect(h.freed).toEqual([]);
  });

  it('gives back big blocks first, then the oldest, until the volume fits', () => {
    const h = heapOf(250, 200);
    const [a, b, big, c] = [64, 64, 300, 64].map((n, i) => h.alloc(n, 16, 'malloc', [i], false)!);
    for (const x of [a, b, big, c]) h.release(x!, [9]);
    h.alloc(8, 16, 'malloc', [7], false);
    expect(h.freed).toEqual([a, b, c]);
  });

  it('reuses given-back space over many rounds without growing', () => {
    const h = heapOf(1);
    for (let round = 0; round < 2000; round++) {
      const blocks = Array.from({ length: 8 }, (_, i) => h.alloc(16 + ((i * 37 + round) % 200), 16, 'malloc', [i], false)!);
      for (const x of blocks) h.release(x, [0]);
    }
    expect(h.arenas).toHaveLength(1);
  });
});
