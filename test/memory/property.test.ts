// Random sequences of mmap, munmap, mprotect, mremap and stores, checked after
// every step against a page-by-page model: the mapping list is sorted,
// non-overlapping and merged exactly where the model's pages are alike, the
// page table agrees with it, and bytes survive or read as zero as they should.
import { describe, expect, it } from 'vitest';
import {
  AddressSpace, CLIENT_MMAP_BASE, EFAULT, ENOMEM, MemoryFault, PAGE_SIZE, PERM_R, PERM_W, type Perm,
} from '../../src/engine/memory/index.ts';
import { seededRandom } from '../support/elf-tools.ts';

const PAGES = 2048; // the model's window, from CLIENT_MMAP_BASE
const FIXED_PAGES = 256; // where fixed operations aim, so that they collide often
const STEPS = 120;
const SEEDS = 25;

interface ModelPage {
  perm: Perm;
  accounted: boolean;
  /** The first byte of the page. */
  byte: number;
}

const addrOf = (page: number) => CLIENT_MMAP_BASE + page * PAGE_SIZE;
const granted = (perm: Perm) => (perm & PERM_W ? perm | PERM_R : perm);

class Model {
  readonly pages: (ModelPage | undefined)[] = new Array(PAGES).fill(undefined);

  isFree(first: number, count: number): boolean {
    if (first + count > PAGES) return false;
    for (let p = first; p < first + count; p++) if (this.pages[p]) return false;
    return true;
  }

  firstFit(count: number): number {
    for (let p = 0; p + count <= PAGES; p++) if (this.isFree(p, count)) return p;
    throw new Error('model window full');
  }

  map(first: number, count: number, perm: Perm): void {
    for (let p = first; p < first + count; p++) this.pages[p] = { perm, accounted: (perm & PERM_W) !== 0, byte: 0 };
  }

  unmap(first: number, count: number): void {
    for (let p = first; p < first + count && p < PAGES; p++) this.pages[p] = undefined;
  }

  /** Pages p and q would be one mapping if adjacent. */
  static alike(a: ModelPage | undefined, b: ModelPage | undefined): boolean {
    return !!a && !!b && a.perm === b.perm && a.accounted === b.accounted;
  }

  /** The run of alike pages containing page p: [start, end). */
  run(p: number): [number, number] {
    let start = p;
    let end = p + 1;
    while (start > 0 && Model.alike(this.pages[start - 1], this.pages[p])) start--;
    while (end < PAGES && Model.alike(this.pages[end], this.pages[p])) end++;
    return [start, end];
  }

  expectedMappings(): [number, number, Perm, boolean][] {
    const out: [number, number, Perm, boolean][] = [];
    for (let p = 0; p < PAGES; ) {
      const page = this.pages[p];
      if (!page) { p++; continue; }
      const [, end] = this.run(p);
      out.push([addrOf(p), addrOf(end), page.perm, page.accounted]);
      p = end;
    }
    return out;
  }
}

function runSequence(seed: number): void {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const space = new AddressSpace();
  const model = new Model();
  const log: string[] = [];

  for (let step = 0; step < STEPS; step++) {
    const first = int(FIXED_PAGES);
    const count = 1 + int(16);
    const perm = int(8);
    const op = int(7);
    if (op === 0) {
      log.push(`mmap fixed ${first}+${count} perm ${perm}`);
      expect(space.mmap({ addr: addrOf(first), length: count * PAGE_SIZE, perm, fixed: 'replace' })).toBe(addrOf(first));
      model.map(first, count, perm);
    } else if (op === 1) {
      const hint = int(3) === 0 ? 0 : first;
      log.push(`mmap hint ${hint}+${count} perm ${perm}`);
      const placed = hint !== 0 && model.isFree(hint, count) ? hint : model.firstFit(count);
      expect(space.mmap({ addr: hint && addrOf(hint), length: count * PAGE_SIZE, perm })).toBe(addrOf(placed));
      model.map(placed, count, perm);
    } else if (op === 2) {
      log.push(`munmap ${first}+${count}`);
      expect(space.munmap(addrOf(first), count * PAGE_SIZE)).toBe(0);
      model.unmap(first, count);
    } else if (op === 3) {
      log.push(`mprotect ${first}+${count} perm ${perm}`);
      const covered = model.pages.slice(first, first + count).every((p) => p);
      expect(space.mprotect(addrOf(first), count * PAGE_SIZE, perm)).toBe(covered ? 0 : -ENOMEM);
      if (covered) {
        for (let p = first; p < first + count; p++) {
          const page = model.pages[p]!;
          model.pages[p] = { ...page, perm, accounted: page.accounted || (perm & PERM_W) !== 0 };
        }
      }
    } else if (op === 4) {
      const newCount = 1 + int(16);
      const mayMove = int(2) === 0;
      log.push(`mremap ${first}+${count} -> ${newCount} ${mayMove ? 'maymove' : ''}`);
      const expected = modelMremap(model, first, count, newCount, mayMove);
      expect(space.mremap(addrOf(first), count * PAGE_SIZE, newCount * PAGE_SIZE, { mayMove })).toBe(expected);
    } else {
      const page = int(FIXED_PAGES + 32);
      const value = 1 + int(255);
      const m = model.pages[page];
      log.push(`store ${value} at page ${page}`);
      const fault = space.writeBytes(addrOf(page), new Uint8Array([value]));
      if (m && granted(m.perm) & PERM_W) {
        expect(fault).toBeNull();
        m.byte = value;
      } else {
        expect(fault).toEqual(new MemoryFault(addrOf(page), 'write', m ? 'forbidden' : 'unmapped'));
      }
    }
    verify(space, model, log);
  }
}

/** mremap on the model; returns what the address space must return. */
function modelMremap(model: Model, first: number, count: number, newCount: number, mayMove: boolean): number {
  const page = model.pages[first];
  if (!page) return -EFAULT;
  const [, runEnd] = model.run(first);
  if (first + count > runEnd) return -EFAULT;
  if (newCount <= count) {
    model.unmap(first + newCount, count - newCount);
    return addrOf(first);
  }
  if (first + count === runEnd && model.isFree(runEnd, newCount - count)) {
    for (let p = runEnd; p < first + newCount; p++) model.pages[p] = { ...page, byte: 0 };
    return addrOf(first);
  }
  if (!mayMove) return -ENOMEM;
  const dest = model.firstFit(newCount);
  for (let i = 0; i < newCount; i++) {
    const source = i < count ? model.pages[first + i]! : undefined;
    model.pages[dest + i] = { ...page, byte: source ? source.byte : 0 };
  }
  model.unmap(first, count);
  return addrOf(dest);
}

function verify(space: AddressSpace, model: Model, log: string[]): void {
  const context = `after:\n  ${log.join('\n  ')}`;
  const actual = space.mappings.map((m): [number, number, Perm, boolean] => [m.start, m.end, m.perm, m.accounted]);
  expect(actual, context).toEqual(model.expectedMappings());
  expect(space.sanityCheck(CLIENT_MMAP_BASE - PAGE_SIZE, addrOf(PAGES)), context).toEqual([]);
  for (let p = 0; p < PAGES; p++) {
    const m = model.pages[p];
    if (m) expect(space.memory.readU8(addrOf(p)), `${context}\n  byte of page ${p}`).toBe(m.byte);
  }
}

describe('random sequences of mapping operations', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}`, () => runSequence(seed));
  }
});
