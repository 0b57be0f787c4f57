// The malloc family, replaced in libc, libstdc++ and (for static programs) the main
// executable, as Valgrind's vg_replace_malloc.c replaces it: every block goes through
// the memcheck heap, frees are checked (invalid, mismatched), sizes that look negative
// are reported.
import type { Replacement, ReplacementCall } from '../../core/redirect.ts';
import type { MemcheckContext } from './context.ts';
import type { AllocKind } from './heap.ts';
import { fishyError, freeError, mismatchError } from './reports.ts';

const MALLOC_SONAMES = ['libc.so*', 'libstdc++*', 'NONE'];
const ENOMEM = 12n;

/** The deallocation that matches each allocation kind. */
const FREED_BY: Record<AllocKind, 'free' | 'delete' | 'delete[]'> = { malloc: 'free', new: 'delete', 'new[]': 'delete[]', custom: 'free' };

export function mallocReplacements(c: MemcheckContext): Replacement[] {
  const ips = (call: ReplacementCall) => c.stack(call.pc);
  /** Sizes with the top bit set are reported, as memcheck does, and fail. */
  const fishy = (call: ReplacementCall, fn: string, arg: string, v: bigint): boolean => {
    if (BigInt.asIntN(64, v) >= 0n) return false;
    c.report(fishyError(ips(call), fn, arg, v));
    return true;
  };
  const alloc = (call: ReplacementCall, size: bigint, align: number, kind: AllocKind, zeroed = false): bigint => {
    if (size > 0xffff_ffffn) return 0n;
    const b = c.heap.alloc(Number(size), align, kind, ips(call), zeroed);
    // --track-origins=yes: the new bytes were created by this heap allocation.
    if (b && !zeroed) c.origins?.made(b.addr, b.size, 'heap', b.allocIps);
    return b ? BigInt(b.addr) : 0n;
  };
  const release = (call: ReplacementCall, p: bigint, by: 'free' | 'delete' | 'delete[]'): void => {
    if (p === 0n) return;
    const b = c.heap.live.get(Number(p));
    const stack = ips(call);
    if (!b) {
      // Valgrind counts the call in "total heap usage" even when it frees nothing.
      c.heap.frees++;
      c.report(freeError(stack, c.describe(Number(p))));
      return;
    }
    if (FREED_BY[b.kind] !== by) c.report(mismatchError(stack, c.describe(Number(p))));
    c.heap.release(b, stack);
  };
  const allocator = (names: string[], kind: AllocKind, fn: string) => ({
    sonames: MALLOC_SONAMES, names,
    run: (call: ReplacementCall) => (fishy(call, fn, 'size', call.arg(0)) ? 0n : alloc(call, call.arg(0), 16, kind)),
  });
  const alignedAllocator = (names: string[], kind: AllocKind) => ({
    sonames: MALLOC_SONAMES, names, run: (call: ReplacementCall) => alloc(call, call.arg(0), Number(call.arg(1)), kind),
  });
  const deallocator = (names: string[], by: 'free' | 'delete' | 'delete[]') => ({
    sonames: MALLOC_SONAMES, names, run: (call: ReplacementCall) => { release(call, call.arg(0), by); return undefined; },
  });

  return [
    allocator(['malloc'], 'malloc', 'malloc'),
    allocator(['_Znwm', '_ZnwmRKSt9nothrow_t'], 'new', 'operator new'),
    allocator(['_Znam', '_ZnamRKSt9nothrow_t'], 'new[]', 'operator new[]'),
    alignedAllocator(['_ZnwmSt11align_val_t', '_ZnwmSt11align_val_tRKSt9nothrow_t'], 'new'),
    alignedAllocator(['_ZnamSt11align_val_t', '_ZnamSt11align_val_tRKSt9nothrow_t'], 'new[]'),
    deallocator(['free', 'cfree'], 'free'),
    deallocator(['_ZdlPv', '_ZdlPvm', '_ZdlPvRKSt9nothrow_t', '_ZdlPvSt11align_val_t', '_ZdlPvmSt11align_val_t', '_ZdlPvSt11align_val_tRKSt9nothrow_t'], 'delete'),
    deallocator(['_ZdaPv', '_ZdaPvm', '_ZdaPvRKSt9nothrow_t', '_ZdaPvSt11align_val_t', '_ZdaPvmSt11align_val_t', '_ZdaPvSt11align_val_tRKSt9nothrow_t'], 'delete[]'),
    {
      sonames: MALLOC_SONAMES, names: ['calloc'],
      run: (call) => {
        const [n, size] = [call.arg(0), call.arg(1)];
        if (fishy(call, 'calloc', 'nmemb', n) || fishy(call, 'calloc', 'size', size)) return 0n;
        return alloc(call, n * size, 16, 'malloc', true);
      },
    },
    {
      sonames: MALLOC_SONAMES, names: ['realloc'],
      run: (call) => {
        const [p, size] = [call.arg(0), call.arg(1)];
        if (p === 0n) return fishy(call, 'realloc', 'size', size) ? 0n : alloc(call, size, 16, 'malloc');
        if (fishy(call, 'realloc', 'size', size)) return 0n;
        const old = c.heap.live.get(Number(p));
        if (!old) {
          c.report(freeError(ips(call), c.describe(Number(p))));
          return 0n;
        }
        // Valgrind 3.19: realloc(p, 0) frees p and returns NULL.
        if (size === 0n) { c.heap.release(old, ips(call)); return 0n; }
        const fresh = alloc(call, size, 16, 'malloc');
        if (fresh === 0n) return 0n;
        const n = Math.min(old.size, Number(size));
        c.core.as.copyUnchecked(Number(fresh), old.addr, n);
        c.shadow.copy(old.addr, Number(fresh), n);
        // As memcheck's realloc (copy_address_range_state copies V bits, not otags): the
        // copied bytes have no known origin, only the new tail is this allocation's.
        c.origins?.forget(Number(fresh), n);
        c.heap.release(old, ips(call));
        return fresh;
      },
    },
    // The alignment first (C++'s aligned new has it second).
    { sonames: MALLOC_SONAMES, names: ['memalign', 'aligned_alloc'], run: (call) => alloc(call, call.arg(1), Number(call.arg(0)), 'malloc') },
    { sonames: MALLOC_SONAMES, names: ['valloc', 'pvalloc'], run: (call) => alloc(call, call.arg(0), 4096, 'malloc') },
    {
      sonames: MALLOC_SONAMES, names: ['posix_memalign'],
      run: (call) => {
        const align = call.arg(1);
        if (align % 8n !== 0n || (align & (align - 1n)) !== 0n) return 22n; // EINVAL
        const p = alloc(call, call.arg(2), Number(align), 'malloc');
        if (p === 0n) return ENOMEM;
        const out = new Uint8Array(8);
        new DataView(out.buffer).setBigUint64(0, p, true);
        c.core.as.writeBytes(Number(call.arg(0)), out);
        c.shadow.makeDefined(Number(call.arg(0)), 8);
        return 0n;
      },
    },
    { sonames: MALLOC_SONAMES, names: ['malloc_usable_size'], run: (call) => BigInt(c.heap.live.get(Number(call.arg(0)))?.size ?? 0) },
  ];
}
