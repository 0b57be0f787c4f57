// --trace-ir: each new superblock's IR in the layout of `valgrind --trace-flags`: a
// `==== SB` header, then the front end's IR with every guest instruction's disassembly
// above its IMark group, then the block after instrumentation and optimisation.
import { formatAtt } from '../guest/amd64/att.ts';
import type { LiftedBlock } from '../guest/amd64/lift/block.ts';
import { type IRSB, ppIRSB, ppIRStmt } from '../ir/index.ts';

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
  out.push(`${INDENT}PUT(${lifted.sb.offsIP}) = ${ppNext(lifted.sb)}`, '');
  return out.join('\n') + '\n';
}

function ppNext(sb: IRSB): string {
  const text = ppIRSB({ ...sb, stmts: [] });
  const last = text.split('\n').filter((l) => l.includes('PUT(')).pop() ?? '';
  return last.trim().replace(/^PUT\(\d+\) = /, '');
}

/** The block the backend runs. */
export function traceOptimised(sb: IRSB): string {
  return ['', rule('After instrumentation and optimisation'), '', ppIRSB(sb), '', ''].join('\n');
}
