// --trace-ir: each new superblock's IR in the layout of `valgrind --trace-flags`: a
// `==== SB` header, then the front end's IR with every guest instruction's disassembly
// above its IMark group, then the block after instrumentation and optimisation.
import { formatAtt } from '../guest/amd64/att.ts';
import type { LiftedBlock } from '../guest/amd64/lift/block.ts';
import { type IRSB, JUMP_KIND_TEXT, ppIRExpr, ppIRSB, ppIRStmt } from '../ir/index.ts';

const INDENT = ' '.repeat(14);
const rule = (title: string) => `------------------------ ${title} ------------------------`;

export function traceHeader(n: number, addr: number, where: string): string {
  return `==== SB ${n} (evchecks 0) [tid 1] 0x${addr.toString(16)} ${where}\n`;
}

/** The lifter's output, guest instruction by guest instruction. */
export function traceFrontEnd(lifted: LiftedBlock): string {
  const out = ['', rule('Front end')];
  const byAddr = new Map(lifted.instrs.map((i) => [i.addr, i]));
  for (const s of lifted.sb.stmts) {
    if (s.tag === 'IMark') {
      const ins = byAddr.get(s.addr);
      out.push('', `\t0x${s.addr.toString(16).toUpperCase()}:  ${ins ? formatAtt(ins) : '(undecodable)'}`, '');
    }
    out.push(INDENT + ppIRStmt(s));
  }
  const sb = lifted.sb;
  out.push(`${INDENT}PUT(${sb.offsIP}) = ${ppIRExpr(sb.next)}; exit-${JUMP_KIND_TEXT[sb.jumpkind]}`, '');
  return out.join('\n') + '\n';
}

/** The block the backend runs. */
export function traceOptimised(sb: IRSB): string {
  return ['', rule('After instrumentation and optimisation'), '', ppIRSB(sb), '', ''].join('\n');
}
