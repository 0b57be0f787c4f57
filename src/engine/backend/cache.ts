// The translation cache: every translated block by guest address, indexed by the guest
// pages its code came from, bounded, and invalidated when that code may have changed.
//
// Each translation owns a slot (its run count, its entry in the JIT's function table)
// until it is dropped. The cache marks the pages holding translated code in the page
// table (PAGE_HAS_CODE), so a guest store there, from generated code or the interpreter,
// reaches dropPages before it lands. When every slot is taken, the oldest eighth of the
// translations goes (Valgrind evicts its oldest sector the same way).

import type { IRSB } from '../ir/types.ts';
import { PAGE_SHIFT } from '../memory/layout.ts';
import { MAX_SLOTS, type RunCounters } from './run-area.ts';

/** A translated block, as the run loop and the backends see it. */
export interface Translation {
  readonly addr: number;
  /** The IR as lifted, and the guest instructions it came from. */
  readonly lifted: { readonly sb: IRSB; readonly instrs: readonly { readonly addr: number; readonly len: number }[] };
  /** The IR as run: optimised and instrumented. */
  readonly sb: IRSB;
  /** Guest instructions begun by the time statement i ends the block (i = stmts.length:
   *  the final jump). */
  readonly insns: Int32Array;
  /** Its run count and its code's index (1 ..), or 0 for a translation made for one
   *  step and never cached. */
  readonly slot: number;
}

/** What the cache needs of the page table. */
export interface CodePages {
  setHasCode(page: number, on: boolean): void;
}

export class TranslationCache {
  private readonly byAddr = new Map<number, Translation>();
  private readonly byPage = new Map<number, Set<Translation>>();
  /** Slots never used yet (a stack), then slots given back (a queue: a block dropped
   *  while it ran still reports its exit by its slot, so a slot is not reused at once). */
  private readonly fresh: number[] = [];
  private freed: number[] = [];
  private freedHead = 0;
  /** Translations dropped so far (invalidated or evicted). */
  dropped = 0;

  constructor(
    private readonly counters: RunCounters,
    private readonly pages: CodePages,
    /** Called for each translation that leaves the cache. */
    private readonly onDrop: (t: Translation) => void,
    readonly capacity = MAX_SLOTS - 1,
  ) {
    for (let s = capacity; s >= 1; s--) this.fresh.push(s);
  }

  get size(): number {
    return this.byAddr.size;
  }

  get(addr: number): Translation | undefined {
    return this.byAddr.get(addr);
  }

  /** In the order they were made. */
  all(): IterableIterator<Translation> {
    return this.byAddr.values();
  }

  /** A slot for a new translation, evicting the oldest ones if none is free. */
  takeSlot(): number {
    if (this.fresh.length === 0 && this.freedHead === this.freed.length) {
      const victims = [...this.byAddr.values()].slice(0, Math.max(1, this.capacity >> 3));
      for (const t of victims) this.drop(t);
    }
    let slot = this.fresh.pop();
    if (slot === undefined) {
      slot = this.freed[this.freedHead++]!;
      if (this.freedHead > 1024 && this.freedHead * 2 > this.freed.length) {
        this.freed = this.freed.slice(this.freedHead);
        this.freedHead = 0;
      }
    }
    this.counters.resetSlot(slot);
    return slot;
  }

  add(t: Translation): void {
    const old = this.byAddr.get(t.addr);
    if (old) this.drop(old);
    this.byAddr.set(t.addr, t);
    for (const page of codePages(t)) {
      let set = this.byPage.get(page);
      if (!set) {
        this.byPage.set(page, set = new Set());
        this.pages.setHasCode(page, true);
      }
      set.add(t);
    }
  }

  /** Puts `next` (the same block, its IR optimised further) in `t`'s place and slot. */
  replace(t: Translation, next: Translation): void {
    if (this.byAddr.get(t.addr) !== t) return;
    this.byAddr.set(t.addr, next);
    for (const page of codePages(t)) {
      const set = this.byPage.get(page)!;
      set.delete(t);
      set.add(next);
    }
  }

  drop(t: Translation): void {
    if (this.byAddr.get(t.addr) !== t) return;
    this.byAddr.delete(t.addr);
    for (const page of codePages(t)) {
      const set = this.byPage.get(page);
      if (!set) continue;
      set.delete(t);
      if (set.size === 0) {
        this.byPage.delete(page);
        this.pages.setHasCode(page, false);
      }
    }
    this.freed.push(t.slot);
    this.dropped++;
    this.onDrop(t);
  }

  /** Drops every translation made from a byte in [start, end). */
  dropRange(start: number, end: number): void {
    const hit = new Set<Translation>();
    for (let page = start >>> PAGE_SHIFT; page <= (end - 1) >>> PAGE_SHIFT && start < end; page++) {
      for (const t of this.byPage.get(page) ?? []) {
        if (t.lifted.instrs.some((i) => i.addr < end && i.addr + i.len > start)) hit.add(t);
      }
    }
    for (const t of hit) this.drop(t);
  }

  /** Drops every translation with code on the pages of [start, end). */
  dropPages(start: number, end: number): void {
    const hit = new Set<Translation>();
    for (let page = start >>> PAGE_SHIFT; page <= (end - 1) >>> PAGE_SHIFT && start < end; page++) {
      for (const t of this.byPage.get(page) ?? []) hit.add(t);
    }
    for (const t of hit) this.drop(t);
  }
}

/** The guest pages a translation's instructions lie on. */
function codePages(t: Translation): Set<number> {
  const pages = new Set<number>();
  for (const i of t.lifted.instrs) {
    for (let p = i.addr >>> PAGE_SHIFT; p <= (i.addr + i.len - 1) >>> PAGE_SHIFT; p++) pages.add(p);
  }
  return pages;
}
