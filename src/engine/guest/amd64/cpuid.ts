// The CPUID model: a baseline x86-64 CPU (SSE2, no SSE3+, no AVX), so that glibc and
// musl select code paths the lifter handles. More features are advertised only once
// their instructions are lifted (ARCHITECTURE.md, guest model).

export interface CpuidResult { eax: number; ebx: number; ecx: number; edx: number }

/** Twelve bytes of vendor string as CPUID leaf 0 returns it, in ebx, edx, ecx order. */
function vendor(s: string): [number, number, number] {
  const w = (i: number) => s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
  return [w(0) >>> 0, w(4) >>> 0, w(8) >>> 0];
}

// glibc's ld.so computes the CPU's x86-64 ISA level only for vendors it knows, and refuses
// to load a libc built for x86-64-baseline otherwise ("CPU ISA level is lower than
// required"): so we say Intel, as VEX's baseline model does, and name ourselves in the brand.
const VENDOR = vendor('GenuineIntel');
const BRAND = 'grindlab virtual x86-64 baseline CPU'.padEnd(48, '\0');

// Leaf 1 EDX: FPU TSC CX8 CMOV MMX FXSR SSE SSE2 (and the always-present PSE/PAE/APIC-free
// basics glibc never consults).
const L1_EDX = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
// Leaf 0x80000001: ECX LAHF/SAHF in long mode; EDX SYSCALL, NX, LM.
const EXT1_ECX = 1 << 0;
const EXT1_EDX = (1 << 11) | (1 << 20) | (1 << 29);

/** CPUID(leaf, subleaf) of the guest CPU. Unknown leaves return zeros, as real CPUs do above their maximum. */
export function cpuid(leaf: number, _subleaf: number): CpuidResult {
  switch (leaf >>> 0) {
    case 0: return { eax: 1, ebx: VENDOR[0], edx: VENDOR[1], ecx: VENDOR[2] };
    // Family 6 model 15 stepping 1; one logical processor, clflush line 64 bytes.
    case 1: return { eax: 0x000006f1, ebx: 0x00000800, ecx: 0, edx: L1_EDX };
    case 0x80000000: return { eax: 0x80000008, ebx: 0, ecx: 0, edx: 0 };
    case 0x80000001: return { eax: 0, ebx: 0, ecx: EXT1_ECX, edx: EXT1_EDX };
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const base = (leaf - 0x80000002) * 16;
      const word = (i: number) => (BRAND.charCodeAt(base + i) | (BRAND.charCodeAt(base + i + 1) << 8)
        | (BRAND.charCodeAt(base + i + 2) << 16) | (BRAND.charCodeAt(base + i + 3) << 24)) >>> 0;
      return { eax: word(0), ebx: word(4), ecx: word(8), edx: word(12) };
    }
    // 48-bit virtual and 40-bit physical addresses.
    case 0x80000008: return { eax: 0x3028, ebx: 0, ecx: 0, edx: 0 };
    default: return { eax: 0, ebx: 0, ecx: 0, edx: 0 };
  }
}
