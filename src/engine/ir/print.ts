// The pretty-printer, in the layout of VEX's ppIRSB as `valgrind --trace-flags` prints it
// (checked line for line against valgrind 3.19 traces in test/ir/fixtures). Two deliberate
// differences: a helper's host address is not ours to print, so `name{0x58111d20}` is
// printed `name{}`; and F32/F64 constants, which we hold as bit patterns, always print in
// VEX's bit-pattern spelling `F64i{0x...}` (VEX also has `F64{...}` for the same bits).

import { constBits } from './types.ts';
import type {
  Const, IRCallee, IRDirtyArg, IRExpr, IRJumpKind, IRRegArray, IRSB, IRStmt, IRTemp, IRType,
} from './types.ts';

/** The printed name of each jump kind: VEX's, which differs from the Ijk_ name only for Ret. */
export const JUMP_KIND_TEXT: Readonly<Record<IRJumpKind, string>> = {
  Boring: 'Boring', Call: 'Call', Ret: 'Return', ClientReq: 'ClientReq', Yield: 'Yield',
  EmWarn: 'EmWarn', EmFail: 'EmFail', NoDecode: 'NoDecode', MapFail: 'MapFail',
  InvalICache: 'InvalICache', FlushDCache: 'FlushDCache', NoRedir: 'NoRedir',
  SigILL: 'SigILL', SigTRAP: 'SigTRAP', SigSEGV: 'SigSEGV', SigBUS: 'SigBUS', SigFPE: 'SigFPE',
  SigFPE_IntDiv: 'SigFPE_IntDiv', SigFPE_IntOvf: 'SigFPE_IntOvf',
  Sys_syscall: 'Sys_syscall', Sys_int32: 'Sys_int32', Sys_int128: 'Sys_int128',
  Sys_int129: 'Sys_int129', Sys_int130: 'Sys_int130', Sys_int145: 'Sys_int145',
  Sys_int210: 'Sys_int210', Sys_sysenter: 'Sys_sysenter',
};

/** The effect names of Dirty annotations: RdFX-gst(16,8), WrFX-mem(t5,10), MoFX-... */
export const EFFECT_TEXT = { Read: 'RdFX', Write: 'WrFX', Modify: 'MoFX' } as const;

const hex = (v: bigint | number): string => `0x${v.toString(16).toUpperCase()}`;

export const ppIRTemp = (t: IRTemp): string => `t${t}`;

export function ppIRConst(c: Const): string {
  switch (c.ty) {
    case 'I1': return `${c.value}:I1`;
    case 'F32': return `F32i{${hex(c.value)}}`;
    case 'F64': return `F64i{${hex(c.value)}}`;
    case 'V128': case 'V256': // one bit per byte lane, printed with all its hex digits
      return `${c.ty}{0x${c.value.toString(16).toUpperCase().padStart(constBits(c.ty) / 4, '0')}}`;
    default: return `${hex(c.value)}:${c.ty}`;
  }
}

function ppIRRegArray(d: IRRegArray): string {
  return `(${d.base}:${d.nElems}x${d.elemTy})`;
}

export function ppIRCallee(c: IRCallee): string {
  const rp = c.regparms ? `[rp=${c.regparms}]` : '';
  const mcx = c.mcxMask ? `[mcx=${hex(c.mcxMask)}]` : '';
  return `${c.name}${rp}${mcx}{}`;
}

export function ppIRExpr(e: IRExpr): string {
  switch (e.tag) {
    case 'Const': return ppIRConst(e);
    case 'Get': return `GET:${e.ty}(${e.offset})`;
    case 'GetI': return `GETI${ppIRRegArray(e.descr)}[${ppIRExpr(e.ix)},${e.bias}]`;
    case 'RdTmp': return ppIRTemp(e.tmp);
    case 'Load': return `LD${e.end}:${e.ty}(${ppIRExpr(e.addr)})`;
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': return `${e.op}(${e.args.map(ppIRExpr).join(',')})`;
    case 'ITE': return `ITE(${ppIRExpr(e.cond)},${ppIRExpr(e.iftrue)},${ppIRExpr(e.iffalse)})`;
    case 'CCall': return `${ppIRCallee(e.callee)}(${e.args.map(ppIRExpr).join(',')}):${e.retTy}`;
  }
}

function ppDirtyArg(a: IRDirtyArg): string {
  return a.tag === 'GSPTR' || a.tag === 'VECRET' ? a.tag : ppIRExpr(a);
}

export function ppIRStmt(s: IRStmt): string {
  switch (s.tag) {
    case 'NoOp': return 'IR-NoOp';
    case 'IMark': return `------ IMark(${hex(s.addr)}, ${s.len}, ${s.delta}) ------`;
    case 'AbiHint': return `====== AbiHint(${ppIRExpr(s.base)}, ${s.len}, ${ppIRExpr(s.nia)}) ======`;
    case 'Put': return `PUT(${s.offset}) = ${ppIRExpr(s.data)}`;
    case 'PutI': return `PUTI${ppIRRegArray(s.descr)}[${ppIRExpr(s.ix)},${s.bias}] = ${ppIRExpr(s.data)}`;
    case 'WrTmp': return `${ppIRTemp(s.tmp)} = ${ppIRExpr(s.data)}`;
    case 'Store': return `ST${s.end}(${ppIRExpr(s.addr)}) = ${ppIRExpr(s.data)}`;
    case 'CAS': {
      const pair = (hi: string | undefined, lo: string) => (hi === undefined ? lo : `${hi},${lo}`);
      const old = pair(s.oldHi === undefined ? undefined : ppIRTemp(s.oldHi), ppIRTemp(s.oldLo));
      const expd = pair(s.expdHi && ppIRExpr(s.expdHi), ppIRExpr(s.expdLo));
      const data = pair(s.dataHi && ppIRExpr(s.dataHi), ppIRExpr(s.dataLo));
      return `${old} = CAS${s.end}(${ppIRExpr(s.addr)}::${expd}->${data})`;
    }
    case 'Dirty': {
      const lhs = s.tmp === undefined ? '' : `${ppIRTemp(s.tmp)} = `;
      const mem = s.mem ? ` ${EFFECT_TEXT[s.mem.fx]}-mem(${ppIRExpr(s.mem.addr)},${s.mem.size})` : '';
      const gst = s.fxState.map((f) => ` ${EFFECT_TEXT[f.fx]}-gst(${f.offset},${f.size})`).join('');
      const call = `${ppIRCallee(s.callee)}(${s.args.map(ppDirtyArg).join(',')})`;
      return `${lhs}DIRTY ${ppIRExpr(s.guard)}${mem}${gst} ::: ${call}`;
    }
    case 'MBE': return `IR-${s.event}`;
    // VEX ends this line with a space; we keep it so traces compare byte for byte.
    case 'Exit':
      return `if (${ppIRExpr(s.guard)}) { PUT(${s.offsIP}) = ${ppIRConst(s.dst)}; exit-${JUMP_KIND_TEXT[s.jk]} } `;
  }
}

/** VEX's type environment layout: eight temps a line, each followed by three spaces (the
 *  eighth by a newline). VEX then ends the environment with a newline unless the count is
 *  7 mod 8 — an off-by-one in VEX that we reproduce, since traces show it. */
function ppTypeEnv(tyenv: readonly IRType[]): string {
  let out = '';
  tyenv.forEach((ty, i) => {
    if (i % 8 === 0) out += '   ';
    out += `t${i}:${ty}${i % 8 === 7 ? '\n' : '   '}`;
  });
  if (tyenv.length > 0 && tyenv.length % 8 !== 7) out += '\n';
  return out;
}

export function ppIRSB(sb: IRSB): string {
  const stmts = sb.stmts.map((s) => `   ${ppIRStmt(s)}\n`).join('');
  const last = `   PUT(${sb.offsIP}) = ${ppIRExpr(sb.next)}; exit-${JUMP_KIND_TEXT[sb.jumpkind]}\n`;
  return `IRSB {\n${ppTypeEnv(sb.tyenv)}\n${stmts}${last}}\n`;
}
