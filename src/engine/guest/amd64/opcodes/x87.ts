// x87 escape opcodes D8-DF (Intel SDM Vol. 2, Tables ), named as objdump 2.40
// names them. With mod != 3, ModRM.reg picks a memory form that carries its access width
// (Md m32, Mq m64, Mt m80, Mw m16; the environment and state images are plain M, as for
// fxsave). With mod == 3, ModRM.reg picks a form on st(i) = ModRM.rm (STi, printed %st(i),
// %st(0) included) or, for the forms without operands, ModRM.rm picks the form. ST0 is the
// stack top named by the opcode itself (printed %st). `%N` is the `n` of the no-wait forms,
// dropped after an fwait prefix (9B D9 /7 is fstcw). An objdump `(bad) M` decodes its
// address, to stay in step with objdump, but remains an undecodable instruction.
//
// DC and DE E0-FF: objdump follows the AT&T (SysV386) assemblers and swaps the sub/subr and
// div/divr names against Intel's: DC E0+i `fsub %st,%st(i)` is Intel FSUBR ST(i),ST(0),
// st(i) = st(0) - st(i), and DC E8+i `fsubr %st,%st(i)` is Intel FSUB, st(i) = st(i) - st(0);
// likewise fdiv/fdivr (DC F0/F8) and fsubp/fsubrp/fdivp/fdivrp (DE E0-FF). D8 is not swapped.
import { grp, mod, newForm, pfx, rm } from '../forms.ts';
import type { Entry, InstrForm, OpcodeMap } from '../forms.ts';

/** D8 m32fp and DC m64fp (suffix s/l), DA m32int and DE m16int (fi...l / fi...s), by ModRM.reg. */
const arithMem = (f: string, suffix: string, size: string): Entry =>
  grp(...['add', 'mul', 'com', 'comp', 'sub', 'subr', 'div', 'divr'].map((op) => `${f}${op}${suffix} ${size}`));

/** D8/DC/DE with mod == 3: the six arithmetic rows on st(i), and what each has at /2 and /3. */
const arithReg = (p: string, ops: string, r2: Entry, r3: Entry): Entry =>
  grp(`fadd${p} ${ops}`, `fmul${p} ${ops}`, r2, r3, `fsub${p} ${ops}`, `fsubr${p} ${ops}`, `fdiv${p} ${ops}`,
    `fdivr${p} ${ops}`);

/** 66 selects the 16-bit environment (14 bytes) and state (94 bytes) images; objdump adds `s`. */
const image = (mnem: string): Entry => pfx({ none: `${mnem} M`, p66: `${mnem}s M` });

/** The 8087/287-only DB E0-E5 forms, whose objdump names hold a space, so no table text. */
const legacy287 = (mnem: string): InstrForm => newForm(mnem, mnem, [], 0);

export const X87: OpcodeMap = {
  0xd8: mod(arithMem('f', 's', 'Md'), arithReg('', 'ST0,STi', 'fcom STi', 'fcomp STi')),
  0xd9: mod(
    grp('flds Md', '(bad) M', 'fsts Md', 'fstps Md', image('fldenv'), 'fldcw Mw', image('f%Nstenv'), 'f%Nstcw Mw'),
    grp('fld STi', 'fxch STi', rm('fnop'), undefined,
      rm('fchs', 'fabs', undefined, undefined, 'ftst', 'fxam'),
      rm('fld1', 'fldl2t', 'fldl2e', 'fldpi', 'fldlg2', 'fldln2', 'fldz'),
      rm('f2xm1', 'fyl2x', 'fptan', 'fpatan', 'fxtract', 'fprem1', 'fdecstp', 'fincstp'),
      rm('fprem', 'fyl2xp1', 'fsqrt', 'fsincos', 'frndint', 'fscale', 'fsin', 'fcos'))),
  0xda: mod(arithMem('fi', 'l', 'Md'),
    grp('fcmovb ST0,STi', 'fcmove ST0,STi', 'fcmovbe ST0,STi', 'fcmovu ST0,STi', undefined, rm(undefined, 'fucompp'))),
  0xdb: mod(
    grp('fildl Md', 'fisttpl Md', 'fistl Md', 'fistpl Md', '(bad) M', 'fldt Mt', '(bad) M', 'fstpt Mt'),
    grp('fcmovnb ST0,STi', 'fcmovne ST0,STi', 'fcmovnbe ST0,STi', 'fcmovnu ST0,STi',
      rm(legacy287('f%Neni(8087 only)'), legacy287('f%Ndisi(8087 only)'), 'f%Nclex', 'f%Ninit',
        legacy287('f%Nsetpm(287 only)'), legacy287('frstpm(287 only)')),
      'fucomi ST0,STi', 'fcomi ST0,STi')),
  // DC D0-DF (Intel's FCOM2/FCOMP3 aliases of D8 D0-DF) are (bad) to objdump.
  0xdc: mod(arithMem('f', 'l', 'Mq'), arithReg('', 'STi,ST0', undefined, undefined)),
  0xdd: mod(
    grp('fldl Mq', 'fisttpll Mq', 'fstl Mq', 'fstpl Mq', image('frstor'), '(bad) M', image('f%Nsave'), 'f%Nstsw Mw'),
    grp('ffree STi', undefined, 'fst STi', 'fstp STi', 'fucom STi', 'fucomp STi')),
  0xde: mod(arithMem('fi', 's', 'Mw'), arithReg('p', 'STi,ST0', undefined, rm(undefined, 'fcompp'))),
  0xdf: mod(
    grp('filds Mw', 'fisttps Mw', 'fists Mw', 'fistps Mw', 'fbld Mt', 'fildll Mq', 'fbstp Mt', 'fistpll Mq'),
    grp('ffreep STi', undefined, undefined, undefined, rm('f%Nstsw AX'), 'fucomip ST0,STi', 'fcomip ST0,STi')),
};
