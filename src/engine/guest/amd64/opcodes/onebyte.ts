// The one-byte opcode map (Intel SDM Vol. 2, Table A-2), 64-bit mode.
// Opcodes invalid in 64-bit mode (push es, daa, bound, ...) are left out: they decode as (bad).
import { asize, grp, mod, osize, pfx, rexB, rm } from '../forms.ts';
import type { Entry, OpcodeMap } from '../forms.ts';
import { X87 } from './x87.ts';

/** The eight ALU operations of 00-3F and group 1, in encoding order. */
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const SHIFTS = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'shl', 'sar'];
export const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

function aluRow(map: OpcodeMap, base: number, op: string): void {
  map[base] = `${op} Eb,Gb`;
  map[base + 1] = `${op} Ev,Gv`;
  map[base + 2] = `${op} Gb,Eb`;
  map[base + 3] = `${op} Gv,Ev`;
  map[base + 4] = `${op} AL,Ib`;
  map[base + 5] = `${op} rAX,Iz`;
}

const shiftGroup = (count: string): Entry =>
  grp(...SHIFTS.map((s) => (count === '1' ? `${s}* Ev,1` : `${s}* Ev,${count}`)));
const shiftGroupB = (count: string): Entry =>
  grp(...SHIFTS.map((s) => (count === '1' ? `${s}* Eb,1` : `${s}* Eb,${count}`)));

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  ALU.forEach((op, i) => aluRow(m, i * 8, op));
  for (let r = 0; r < 8; r++) {
    m[0x50 + r] = 'push Zv [d64]';
    m[0x58 + r] = 'pop Zv [d64]';
    m[0x90 + r] = 'xchg Zv,rAX';
    m[0xb0 + r] = 'mov Zb,Ib';
    m[0xb8 + r] = osize('mov Zv,Iv', 'mov Zv,Iv', 'movabs Zv,Iv');
  }
  // 90 without REX.B is nop (xchg %eax,%eax would zero-extend rax); F3 90 is pause.
  m[0x90] = pfx({ pf3: 'pause', none: rexB(osize('xchg Zv,rAX', 'nop', 'nop'), 'xchg Zv,rAX') });
  m[0x63] = osize('movslq Gv,Ed', 'movslq Gv,Ed', 'movslq Gv,Ed');
  m[0x68] = 'push Iz [d64]';
  m[0x69] = 'imul Gv,Ev,Iz';
  m[0x6a] = 'push sIb [d64]';
  m[0x6b] = 'imul Gv,Ev,sIb';
  m[0x6c] = 'insb Yb,DXport [rep]';
  m[0x6d] = 'ins Yz,DXport [rep]';
  m[0x6e] = 'outsb DXport,Xb [rep]';
  m[0x6f] = 'outs DXport,Xz [rep]';
  CONDITIONS.forEach((c, i) => { m[0x70 + i] = `j${c} Jb [f64 bnd]`; });
  m[0x80] = grp(...ALU.map((op) => `${op}* Eb,Ib`));
  m[0x81] = grp(...ALU.map((op) => `${op}* Ev,Iz`));
  m[0x83] = grp(...ALU.map((op) => `${op}* Ev,sIb`));
  m[0x84] = 'test Eb,Gb';
  m[0x85] = 'test Ev,Gv';
  m[0x86] = 'xchg Eb,Gb';
  m[0x87] = 'xchg Ev,Gv';
  m[0x88] = 'mov Eb,Gb';
  m[0x89] = 'mov Ev,Gv';
  m[0x8a] = 'mov Gb,Eb';
  m[0x8b] = 'mov Gv,Ev';
  m[0x8c] = mod('mov Ew,Sw', 'mov Ev,Sw');
  m[0x8d] = 'lea Gv,M';
  m[0x8e] = mod('mov Sw,Ew', 'mov Sw,Ev');
  m[0x8f] = grp('pop Ev [d64]');
  m[0x98] = osize('cbtw', 'cwtl', 'cltq');
  m[0x99] = osize('cwtd', 'cltd', 'cqto');
  m[0x9b] = 'fwait';
  m[0x9c] = osize('pushfw', 'pushf [d64]', 'pushf [d64]');
  m[0x9d] = osize('popfw', 'popf [d64]', 'popf [d64]');
  m[0x9e] = 'sahf';
  m[0x9f] = 'lahf';
  m[0xa0] = 'movabs AL,Ob';
  m[0xa1] = 'movabs rAX,Ov';
  m[0xa2] = 'movabs Ob,AL';
  m[0xa3] = 'movabs Ov,rAX';
  m[0xa4] = 'movsb Yb,Xb [rep]';
  m[0xa5] = 'movs%R Yv,Xv [rep]';
  m[0xa6] = 'cmpsb Xb,Yb [repz]';
  m[0xa7] = 'cmps%R Xv,Yv [repz]';
  m[0xa8] = 'test AL,Ib';
  m[0xa9] = 'test rAX,Iz';
  m[0xaa] = 'stos Yb,AL [rep]';
  m[0xab] = 'stos Yv,rAX [rep]';
  m[0xac] = 'lods AL,Xb [rep]';
  m[0xad] = 'lods rAX,Xv [rep]';
  m[0xae] = 'scas AL,Yb [repz]';
  m[0xaf] = 'scas rAX,Yv [repz]';
  m[0xc0] = shiftGroupB('Ib');
  m[0xc1] = shiftGroup('Ib');
  m[0xc2] = 'ret Iw [f64 bnd]';
  m[0xc3] = 'ret [f64 bnd]';
  m[0xc6] = grp('mov* Eb,Ib', undefined, undefined, undefined, undefined, undefined, undefined,
    mod(undefined, rm('xabort Ib')));
  m[0xc7] = grp('mov* Ev,Iz', undefined, undefined, undefined, undefined, undefined, undefined,
    mod(undefined, rm('xbegin Jz')));
  m[0xc8] = 'enter Iw,Ib [d64 keep]';
  m[0xc9] = 'leave [d64]';
  m[0xca] = 'lret Iw';
  m[0xcb] = 'lret';
  m[0xcc] = 'int3';
  m[0xcd] = 'int Ib';
  m[0xcf] = osize('iretw', 'iret', 'iretq');
  m[0xd0] = shiftGroupB('1');
  m[0xd1] = shiftGroup('1');
  m[0xd2] = shiftGroupB('CL');
  m[0xd3] = shiftGroup('CL');
  m[0xd7] = 'xlat XLAT';
  for (let op = 0xd8; op <= 0xdf; op++) m[op] = X87[op];
  m[0xe0] = asize('loopne Jb [f64]', 'loopne Jb [f64]');
  m[0xe1] = asize('loope Jb [f64]', 'loope Jb [f64]');
  m[0xe2] = asize('loop Jb [f64]', 'loop Jb [f64]');
  m[0xe3] = asize('jecxz Jb [f64]', 'jrcxz Jb [f64]');
  m[0xe4] = 'in AL,Ib';
  m[0xe5] = 'in eAX,Ib';
  m[0xe6] = 'out Ib,AL';
  m[0xe7] = 'out Ib,eAX';
  m[0xe8] = 'call Jz [f64 bnd]';
  m[0xe9] = 'jmp Jz [f64 bnd]';
  m[0xeb] = 'jmp Jb [f64 bnd]';
  m[0xec] = 'in AL,DXport';
  m[0xed] = 'in eAX,DXport';
  m[0xee] = 'out DXport,AL';
  m[0xef] = 'out DXport,eAX';
  m[0xf1] = 'int1';
  m[0xf4] = 'hlt';
  m[0xf5] = 'cmc';
  m[0xf6] = grp('test* Eb,Ib', 'test* Eb,Ib', 'not* Eb', 'neg* Eb', 'mul* Eb', 'imul* Eb', 'div* Eb', 'idiv* Eb');
  m[0xf7] = grp('test* Ev,Iz', 'test* Ev,Iz', 'not* Ev', 'neg* Ev', 'mul* Ev', 'imul* Ev', 'div* Ev', 'idiv* Ev');
  m[0xf8] = 'clc';
  m[0xf9] = 'stc';
  m[0xfa] = 'cli';
  m[0xfb] = 'sti';
  m[0xfc] = 'cld';
  m[0xfd] = 'std';
  m[0xfe] = grp('inc* Eb', 'dec* Eb');
  m[0xff] = grp('inc* Ev', 'dec* Ev', 'call Ev [f64 bnd notrack]', 'lcall Mp', 'jmp Ev [f64 bnd notrack]',
    'ljmp Mp', 'push Ev [d64]');
  return m;
}

export const ONE_BYTE: OpcodeMap = build();
