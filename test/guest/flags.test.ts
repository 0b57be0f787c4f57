// The lazy-flags helpers against the real CPU: a C harness runs each arithmetic
// instruction on edge values natively and prints rflags; our helper must compute the
// same O S Z A C P bits from the thunk VEX's lifter would record for that instruction.
// Flags the architecture leaves undefined for an operation are masked out.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { AF, CF, CcOpFamily, Cond, OF, PF, SF, ZF, calculateCondition, calculateRflagsAll, ccOp } from '../../src/engine/guest/amd64/flags.ts';

const SIZES: [number, string, string][] = [[1, 'b', 'unsigned char'], [2, 'w', 'unsigned short'], [4, 'l', 'unsigned int'], [8, 'q', 'unsigned long']];
const VALUES = ['0', '1', '2', '0x7f', '0x80', '0xff', '0x7fff', '0x8000', '0xffff', '0x7fffffff', '0x80000000',
  '0xffffffff', '0x7fffffffffffffff', '0x8000000000000000', '0xffffffffffffffff', '0x123456789abcdef0', '0x10', '0xf'];
const ALL = CF | PF | AF | ZF | SF | OF;

type Op = { name: string; asm: (s: string) => string; family: CcOpFamily; defined: bigint; carryIn?: boolean; count?: number };
const OPS: Op[] = [
  { name: 'add', asm: (s) => `add${s} %2,%0`, family: CcOpFamily.Add, defined: ALL },
  { name: 'sub', asm: (s) => `sub${s} %2,%0`, family: CcOpFamily.Sub, defined: ALL },
  { name: 'adc0', asm: (s) => `clc; adc${s} %2,%0`, family: CcOpFamily.Adc, defined: ALL },
  { name: 'adc1', asm: (s) => `stc; adc${s} %2,%0`, family: CcOpFamily.Adc, defined: ALL, carryIn: true },
  { name: 'sbb0', asm: (s) => `clc; sbb${s} %2,%0`, family: CcOpFamily.Sbb, defined: ALL },
  { name: 'sbb1', asm: (s) => `stc; sbb${s} %2,%0`, family: CcOpFamily.Sbb, defined: ALL, carryIn: true },
  { name: 'and', asm: (s) => `and${s} %2,%0`, family: CcOpFamily.Logic, defined: ALL & ~AF },
  { name: 'xor', asm: (s) => `xor${s} %2,%0`, family: CcOpFamily.Logic, defined: ALL & ~AF },
  { name: 'inc', asm: (s) => `stc; inc${s} %0`, family: CcOpFamily.Inc, defined: ALL, carryIn: true },
  { name: 'dec', asm: (s) => `clc; dec${s} %0`, family: CcOpFamily.Dec, defined: ALL },
  { name: 'shl1', asm: (s) => `shl${s} $1,%0`, family: CcOpFamily.Shl, defined: ALL & ~AF, count: 1 },
  { name: 'shl3', asm: (s) => `shl${s} $3,%0`, family: CcOpFamily.Shl, defined: ALL & ~AF & ~OF, count: 3 },
  { name: 'shr1', asm: (s) => `shr${s} $1,%0`, family: CcOpFamily.Shr, defined: ALL & ~AF, count: 1 },
  { name: 'sar5', asm: (s) => `sar${s} $5,%0`, family: CcOpFamily.Shr, defined: ALL & ~AF & ~OF, count: 5 },
  { name: 'rol1', asm: (s) => `clc; rol${s} $1,%0`, family: CcOpFamily.Rol, defined: CF | OF, count: 1 },
  { name: 'ror1', asm: (s) => `clc; ror${s} $1,%0`, family: CcOpFamily.Ror, defined: CF | OF, count: 1 },
  { name: 'imul', asm: (s) => `imul${s} %2,%0`, family: CcOpFamily.Smul, defined: CF | OF },
];

function thunk(op: Op, size: number, a: bigint, b: bigint, result: bigint): [bigint, bigint, bigint] {
  const bits = BigInt(size * 8);
  const mask = (1n << bits) - 1n;
  const c = op.carryIn ? 1n : 0n;
  switch (op.family) {
    case CcOpFamily.Adc: case CcOpFamily.Sbb: return [a, b ^ c, c];
    case CcOpFamily.Logic: case CcOpFamily.Inc: case CcOpFamily.Dec: return [result, 0n, c];
    case CcOpFamily.Shl: return [result, (a << BigInt(op.count! - 1)) & mask, 0n];
    case CcOpFamily.Shr: {
      const shifted = op.name.startsWith('sar') ? BigInt.asUintN(Number(bits), BigInt.asIntN(Number(bits), a) >> BigInt(op.count! - 1)) : a >> BigInt(op.count! - 1);
      return [result, shifted, 0n];
    }
    case CcOpFamily.Rol: case CcOpFamily.Ror: return [result, 0n, 0n];
    default: return [a, b, 0n];
  }
}

it('calculateRflagsAll agrees with the CPU on every op, size and edge value', () => {
  const lines: string[] = ['#include <stdio.h>', 'int main(void) {', '  unsigned long f;'];
  for (const [size, s, ctype] of SIZES) {
    for (const op of OPS) {
      if (op.name === 'imul' && size === 1) continue;
      lines.push(`  { static const unsigned long v[] = {${VALUES.map((x) => x + 'ul').join(',')}};`);
      lines.push(`    for (int i = 0; i < ${VALUES.length}; i++) for (int j = 0; j < ${VALUES.length}; j++) {`);
      lines.push(`      ${ctype} a = (${ctype})v[i], b = (${ctype})v[j];`);
      lines.push(`      __asm__ volatile("${op.asm(s)}\\n\\tpushfq\\n\\tpopq %1" : "+r"(a), "=r"(f) : "r"(b) : "cc");`);
      lines.push(`      printf("${op.name} ${size} %lx %lx %lx %lx\\n", v[i], v[j], (unsigned long)a, f);`);
      lines.push('    } }');
    }
  }
  lines.push('  return 0;', '}');
  const dir = mkdtempSync(join(tmpdir(), 'grindlab-flags-'));
  try {
    writeFileSync(join(dir, 'h.c'), lines.join('\n'));
    execFileSync('gcc', ['-O1', join(dir, 'h.c'), '-o', join(dir, 'h')]);
    const out = execFileSync(join(dir, 'h'), { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n');
    const bad: string[] = [];
    for (const line of out) {
      const [name, sz, va, vb, vr, vf] = line.split(' ');
      const op = OPS.find((o) => o.name === name)!;
      const size = Number(sz);
      const mask = (1n << BigInt(size * 8)) - 1n;
      const [a, b, r] = [BigInt('0x' + va) & mask, BigInt('0x' + vb) & mask, BigInt('0x' + vr)];
      const [d1, d2, nd] = thunk(op, size, a, b, r);
      const ours = calculateRflagsAll(ccOp(op.family, size), d1, d2, nd) & op.defined;
      const cpu = BigInt('0x' + vf) & op.defined;
      if (ours !== cpu) bad.push(`${name}${size * 8} ${va},${vb}: cpu ${cpu.toString(16)} ours ${ours.toString(16)}`);
    }
    expect(out.length).toBeGreaterThan(5000);
    expect(bad.slice(0, 20)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('calculateCondition reads the conditions off the flags', () => {
  // cmp 1,2 (1 - 2): borrow, negative, no overflow.
  const sub32 = ccOp(CcOpFamily.Sub, 4);
  const holds = (c: Cond) => calculateCondition(c, sub32, 1n, 2n, 0n);
  expect([Cond.B, Cond.NZ, Cond.S, Cond.L, Cond.LE, Cond.BE, Cond.NO, Cond.Always].map(holds)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  expect([Cond.NB, Cond.Z, Cond.NS, Cond.NL, Cond.NLE, Cond.NBE, Cond.O].map(holds)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  // COPY: the thunk holds rflags itself.
  expect(calculateCondition(Cond.Z, 0, ZF, 0n, 0n)).toBe(1);
});
