// The instruction oracle for the integer lifter: each generated case runs natively and
// under lifter + optimiser + interpreter from the same registers, flags and scratch
// memory; every GPR (but rsp), the defined flags and the scratch block must agree.
import { describe, expect, it } from 'vitest';
import { type CpuState, type OracleCase, SCRATCH_ADDR, runNative, zeroState } from '../support/native-oracle.ts';
import { BACKEND_KINDS } from '../../src/engine/backend/backend.ts';
import { runSnippet } from '../support/run-snippet.ts';

const EDGES = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffffffn, 0x7fffffffn, 0x80000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x123456789abcdef0n, 0xfedcba9876543210n];
const CF = 1n, PF = 4n, AF = 0x10n, ZF = 0x40n, SF = 0x80n, OF = 0x800n;
const ALL = CF | PF | AF | ZF | SF | OF;

interface Family { name: string; asm: string[]; defined: bigint; pairs?: boolean }

/** rax, rbx hold the operands; rcx a count; rbx also points nowhere useful, so memory
 *  operands go through r12 = the scratch block. */
const FAMILIES: Family[] = [
  { name: 'add/sub/cmp', defined: ALL, asm: ['add %rbx,%rax', 'sub %ebx,%eax', 'cmp %bx,%ax', 'add %bl,%al', 'sub $0x7f,%rax', 'cmpl $-1,(%r12)', 'addw %bx,8(%r12)'] },
  { name: 'adc/sbb', defined: ALL, asm: ['stc; adc %rbx,%rax', 'clc; adc %ebx,%eax', 'stc; sbb %rbx,%rax', 'stc; sbb %bl,%al', 'stc; adcq $-1,(%r12)'] },
  { name: 'logic', defined: ALL & ~AF, asm: ['and %rbx,%rax', 'or %ebx,%eax', 'xor %bx,%ax', 'test %bl,%al', 'and $0xf0,%rax', 'testq $-1,(%r12)', 'orb $0x81,3(%r12)'] },
  { name: 'inc/dec/neg/not', defined: ALL, asm: ['stc; inc %rax', 'clc; dec %eax', 'neg %rax', 'neg %bl', 'stc; incw (%r12)', 'notq 8(%r12); neg %ax'] },
  { name: 'shifts by 1 and imm', defined: ALL & ~AF, asm: ['shl %rax', 'shr %eax', 'sar %ax', 'shl $1,%bl', 'sar $1,%rbx'] },
  { name: 'shifts by count', defined: ALL & ~AF & ~OF, asm: ['shl $5,%rax', 'shr $31,%eax', 'sar $63,%rax', 'shl %cl,%rbx', 'shr %cl,%bx', 'sar %cl,%bl', 'shl $0,%rax', 'shlq %cl,(%r12)'] },
  { name: 'rotates', defined: CF, asm: ['rol $3,%rax', 'ror $1,%eax', 'rol %cl,%bx', 'ror %cl,%bl', 'rol $8,%al', 'rolq $17,(%r12)'] },
  { name: 'double shifts', defined: CF | ZF | SF | PF, asm: ['shld $4,%rbx,%rax', 'shrd $7,%ebx,%eax', 'shld %cl,%rbx,%rax', 'shrd %cl,%rbx,%rax'] },
  { name: 'multiply', defined: CF | OF, asm: ['imul %rbx,%rax', 'imul %ebx,%eax', 'imul $-3,%rbx,%rax', 'imul $1000,%bx,%ax', 'mul %rbx', 'mul %ebx', 'imul %rbx', 'imul %bl', 'mul %bx'] },
  { name: 'divide', defined: 0n, asm: ['mov $7,%rbx; xor %edx,%edx; div %rbx', 'mov $-7,%rbx; cqto; idiv %rbx', 'mov $3,%ebx; xor %edx,%edx; div %ebx', 'mov $-3,%ebx; cltd; idiv %ebx', 'mov $5,%bl; mov $0,%ah; div %bl', 'mov $11,%bx; xor %dx,%dx; div %bx'] },
  { name: 'moves and extensions', defined: 0n, asm: ['movzbl %bl,%eax', 'movsbq %bl,%rax', 'movswl %bx,%eax', 'movslq %ebx,%rax', 'movzwq 2(%r12),%rax', 'cltq', 'cwtl', 'cbtw', 'cqto', 'cltd', 'cwtd', 'mov %bh,%al', 'bswap %rax', 'bswap %ebx', 'xchg %rax,%rbx', 'xchg %eax,4(%r12)', 'lea 7(%rax,%rbx,4),%rdx', 'lea -1(%eax,%ebx,8),%edx', 'mov %ax,%bx'] },
  { name: 'cmov/setcc', defined: 0n, asm: ['cmp %rbx,%rax; cmovl %rbx,%rax', 'cmp %ebx,%eax; cmovae %ebx,%eax', 'test %rax,%rax; sets %bl; setp %bh', 'cmp %rbx,%rax; setg %dl; setbe %dh; setno %cl'] },
  { name: 'bit tests', defined: CF, asm: ['bt %rcx,%rax', 'bts %rcx,%rax', 'btr %ecx,%eax', 'btc $5,%rbx', 'btsq $63,(%r12)', 'bt %rcx,(%r12)'] },
  { name: 'bit scans', defined: ZF, asm: ['bsf %rax,%rdx', 'bsr %rax,%rdx', 'bsr %ebx,%edx'] },
  { name: 'counts', defined: CF | ZF, asm: ['tzcnt %rax,%rdx', 'lzcnt %rax,%rdx', 'tzcnt %bx,%dx', 'lzcnt %ebx,%edx', 'popcnt %rax,%rdx'] },
  { name: 'cmpxchg/xadd', defined: ALL, asm: ['cmpxchg %rbx,(%r12)', 'lock cmpxchg %ebx,8(%r12)', 'xadd %rax,%rbx', 'lock xaddq %rbx,(%r12)', 'cmpxchg %bl,%cl'] },
  { name: 'strings', defined: ALL, asm: ['lea 64(%r12),%rdi; mov $5,%ecx; rep stosb', 'mov %r12,%rsi; lea 128(%r12),%rdi; mov $3,%ecx; rep movsq', 'mov %r12,%rsi; lea 8(%r12),%rdi; mov $16,%ecx; repz cmpsb', 'mov %r12,%rdi; mov $32,%ecx; repnz scasb', 'lea 96(%r12),%rdi; std; stosw; cld', 'mov %r12,%rsi; lodsq'] },
  { name: 'flags', defined: ALL, asm: ['stc; cmc', 'cmp %rbx,%rax; pushf; pop %rdx', 'cmp %rbx,%rax; lahf', 'mov $0xd5,%ah; sahf', 'mov %rbx,%rdx; and $0x8d5,%rdx; push %rdx; popf'] },
];

function scratchFor(i: number): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, b) => (b * 37 + i * 11 + (b % 3 === 0 ? 0 : 0x40)) & 0xff);
}

function cases(f: Family): OracleCase[] {
  const out: OracleCase[] = [];
  f.asm.forEach((asm, k) => {
    for (let i = 0; i < EDGES.length; i++) {
      const s = zeroState();
      s.gpr[0] = EDGES[i]!;
      s.gpr[3] = EDGES[(i * 5 + k + 3) % EDGES.length]!;
      s.gpr[1] = BigInt((i * 7 + k) % 70);
      s.gpr[2] = EDGES[(i + 7) % EDGES.length]!;
      s.gpr[12] = BigInt(SCRATCH_ADDR);
      s.rflags = BigInt(i % 2) | (i % 3 === 0 ? 0x40n : 0n);
      s.scratch = scratchFor(i + k);
      out.push({ name: `${asm} [${i}]`, asm, init: s });
    }
  });
  return out;
}

function diff(a: CpuState, b: CpuState, defined: bigint, checkFlags: boolean): string[] {
  const d: string[] = [];
  a.gpr.forEach((v, i) => { if (i !== 4 && v !== b.gpr[i]) d.push(`gpr${i} native ${v.toString(16)} ours ${b.gpr[i]!.toString(16)}`); });
  if (checkFlags && (a.rflags & defined) !== (b.rflags & defined)) d.push(`rflags native ${a.rflags.toString(16)} ours ${b.rflags.toString(16)} (mask ${defined.toString(16)})`);
  a.scratch.forEach((v, i) => { if (v !== b.scratch[i]) d.push(`scratch[${i}] native ${v} ours ${b.scratch[i]}`); });
  return d;
}

describe('integer instructions agree with the CPU', () => {
  for (const f of FAMILIES) {
    it(f.name, () => {
      const cs = cases(f);
      const native = runNative(cs);
      const bad: string[] = [];
      cs.forEach((c, i) => {
        for (const backend of BACKEND_KINDS) {
          const ours = runSnippet(c.asm, c.init, { backend });
          const d = diff(native[i]!, ours, f.defined, f.defined !== 0n);
          if (d.length) bad.push(`${c.name} (${backend}): ${d.join('; ')}`);
        }
      });
      expect(bad.slice(0, 10)).toEqual([]);
    });
  }
});
