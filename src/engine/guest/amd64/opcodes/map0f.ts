// The two-byte opcode map 0F xx (Intel SDM Vol. 2, Table A-3): system and integer forms
// here; the SSE/AVX forms of the same map live in sse0f.ts and are merged in.
import { enc, grp, mod, pfx, rm, vexL, w } from '../forms.ts';
import type { OpcodeMap } from '../forms.ts';
import { CONDITIONS } from './onebyte.ts';
import { KMASK_0F } from './kmask.ts';
import { SSE_0F } from './sse0f.ts';

function build(): OpcodeMap {
  const m: OpcodeMap = {};
  m[0x00] = grp('sldt Ev', 'str Ev', 'lldt Ew', 'ltr Ew', 'verr Ew', 'verw Ew');
  m[0x01] = grp(
    mod('sgdt M', rm(undefined, 'vmcall', 'vmlaunch', 'vmresume', 'vmxoff')),
    mod('sidt M', rm('monitor', 'mwait', 'clac', 'stac', undefined, undefined, undefined, 'encls')),
    mod('lgdt M', rm('xgetbv', 'xsetbv', undefined, undefined, 'vmfunc', 'xend', 'xtest', 'enclu')),
    mod('lidt M', rm()),
    mod('smsw* Ew', 'smsw Ev'),
    mod(undefined, rm(undefined, undefined, undefined, undefined, undefined, undefined, 'rdpkru', 'wrpkru')),
    'lmsw Ew',
    mod('invlpg Mb', rm('swapgs', 'rdtscp', 'monitorx', 'mwaitx', 'clzero', 'rdpid')),
  );
  m[0x02] = 'lar Gv,Ew';
  m[0x03] = 'lsl Gv,Ew';
  m[0x05] = 'syscall';
  m[0x06] = 'clts';
  m[0x07] = 'sysret';
  m[0x08] = 'invd';
  m[0x09] = 'wbinvd';
  m[0x0b] = 'ud2';
  m[0x0d] = grp('prefetch Mb', 'prefetchw Mb', 'prefetchwt1 Mb', 'prefetch Mb', 'prefetch Mb', 'prefetch Mb',
    'prefetch Mb', 'prefetch Mb');
  m[0x18] = mod(grp('prefetchnta Mb', 'prefetcht0 Mb', 'prefetcht1 Mb', 'prefetcht2 Mb',
    'nop* Ev', 'nop* Ev', 'nop* Ev', 'nop* Ev'), 'nop Ev');
  for (let op = 0x19; op <= 0x1f; op++) m[op] = 'nop* Ev';
  // CET reuses the hint-nop space: F3 0F 1E /1 is rdssp, F3 0F 1E FA/FB are endbr64/32.
  const hint = 'nop* Ev';
  m[0x1e] = pfx({
    pf3: mod(hint, grp(hint, w('rdsspd Rd', 'rdsspq Rq'), hint, hint, hint, hint, hint,
      rm(hint, hint, 'endbr64', 'endbr32', hint, hint, hint, hint))),
    none: hint,
  });
  m[0x20] = 'mov Rq,Cq [nomem]';
  m[0x21] = 'mov Rq,Dq [nomem]';
  m[0x22] = 'mov Cq,Rq [nomem]';
  m[0x23] = 'mov Dq,Rq [nomem]';
  m[0x30] = 'wrmsr';
  m[0x31] = 'rdtsc';
  m[0x32] = 'rdmsr';
  m[0x33] = 'rdpmc';
  m[0x34] = 'sysenter';
  m[0x35] = 'sysexit';
  CONDITIONS.forEach((c, i) => {
    m[0x40 + i] = `cmov${c} Gv,Ev`;
    m[0x80 + i] = `j${c} Jz [f64 bnd]`;
    m[0x90 + i] = `set${c} Eb`;
  });
  m[0xa0] = 'push FS [d64]';
  m[0xa1] = 'pop FS [d64]';
  m[0xa2] = 'cpuid';
  m[0xa3] = 'bt Ev,Gv';
  m[0xa4] = 'shld Ev,Gv,Ib';
  m[0xa5] = 'shld Ev,Gv,CL';
  m[0xa8] = 'push GS [d64]';
  m[0xa9] = 'pop GS [d64]';
  m[0xaa] = 'rsm';
  m[0xab] = 'bts Ev,Gv';
  m[0xac] = 'shrd Ev,Gv,Ib';
  m[0xad] = 'shrd Ev,Gv,CL';
  m[0xae] = mod(
    pfx({
      // VEX keeps only ldmxcsr/stmxcsr of group 15, and only with VEX.L=0.
      none: grp('fxsave M', 'fxrstor M', vexL('(v)ldmxcsr Md', undefined), vexL('(v)stmxcsr Md', undefined),
        'xsave M', 'xrstor M', 'xsaveopt M', 'clflush Mb'),
      p66: grp(undefined, undefined, undefined, undefined, undefined, undefined, 'clwb Mb', 'clflushopt Mb'),
      pf3: grp(undefined, undefined, undefined, undefined, 'ptwrite* Ey'),
    }),
    pfx({
      none: grp(undefined, undefined, undefined, undefined, undefined, 'lfence', 'mfence', 'sfence'),
      pf3: grp('rdfsbase Ry', 'rdgsbase Ry', 'wrfsbase Ry', 'wrgsbase Ry', 'ptwrite Ey', 'incsspq Ry'),
    }),
  );
  m[0xaf] = 'imul Gv,Ev';
  m[0xb0] = 'cmpxchg Eb,Gb';
  m[0xb1] = 'cmpxchg Ev,Gv';
  m[0xb2] = 'lss Gv,Mp';
  m[0xb3] = 'btr Ev,Gv';
  m[0xb4] = 'lfs Gv,Mp';
  m[0xb5] = 'lgs Gv,Mp';
  m[0xb6] = 'movzb%R Gv,Eb';
  m[0xb7] = 'movzw%R Gv,Ew';
  m[0xb8] = pfx({ pf3: 'popcnt Gv,Ev' });
  m[0xb9] = 'ud1 Gv,Ev';
  m[0xba] = grp(undefined, undefined, undefined, undefined, 'bt* Ev,Ib', 'bts* Ev,Ib', 'btr* Ev,Ib', 'btc* Ev,Ib');
  m[0xbb] = 'btc Ev,Gv';
  m[0xbc] = pfx({ none: 'bsf Gv,Ev', pf3: 'tzcnt Gv,Ev' });
  m[0xbd] = pfx({ none: 'bsr Gv,Ev', pf3: 'lzcnt Gv,Ev' });
  m[0xbe] = 'movsb%R Gv,Eb';
  m[0xbf] = 'movsw%R Gv,Ew';
  m[0xc0] = 'xadd Eb,Gb';
  m[0xc1] = 'xadd Ev,Gv';
  m[0xc7] = mod(
    grp(undefined, w('cmpxchg8b Mq', 'cmpxchg16b Mdq'), undefined, 'xrstors M', 'xsavec M', 'xsaves M',
      'vmptrld Mq', 'vmptrst Mq'),
    grp(undefined, undefined, undefined, undefined, undefined, undefined, 'rdrand Rv', 'rdseed Rv'),
  );
  for (let r = 0; r < 8; r++) m[0xc8 + r] = 'bswap Zv';
  m[0xff] = 'ud0 Gd,Ed';
  // The AVX-512 opmask instructions are VEX encodings of the cmovcc/setcc opcodes.
  for (const [op, entry] of Object.entries(KMASK_0F)) m[Number(op)] = enc(m[Number(op)], entry);
  for (const [op, entry] of Object.entries(SSE_0F)) m[Number(op)] = entry;
  return m;
}

export const MAP_0F: OpcodeMap = build();
