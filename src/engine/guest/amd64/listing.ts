// objdump -d style listing of a code region: `<symbol>:` headers and
// `  ADDR:<TAB>BYTES<TAB>INSTRUCTION` lines, bytes wrapped 7 to a line as objdump does.
import { decode } from './decoder.ts';
import { formatAtt } from './att.ts';
import type { Symbolizer } from './att.ts';
import type { Instruction } from './instruction.ts';

export interface CodeRegion {
  bytes: Uint8Array;
  /** Address of bytes[0]. */
  addr: number;
}

export interface ListingOptions {
  /** Function symbols: address -> name, printed as `<name>:` headers. */
  labels?: Map<number, string>;
  symbolize?: Symbolizer;
  /** objdump -w: all bytes of an instruction on one line. */
  wide?: boolean;
}

const BYTES_PER_LINE = 7;

/** objdump drops leading zero digits of addresses four at a time, keeping one zero. */
export function addressWidth(endAddr: number): number {
  const digits = endAddr.toString(16).length;
  const skip = Math.floor((16 - digits - 1) / 4) * 4;
  return 16 - Math.max(0, skip);
}

export function* decodeRegion(region: CodeRegion): Generator<Instruction> {
  let off = 0;
  while (off < region.bytes.length) {
    const ins = decode(region.bytes, off, region.addr + off);
    yield ins;
    off += ins.len;
  }
}

function byteText(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0') + ' ').join('');
}

export function* listRegion(region: CodeRegion, opts: ListingOptions = {}): Generator<string> {
  const width = addressWidth(region.addr + region.bytes.length);
  const addrText = (a: number) => a.toString(16).padStart(width, ' ');
  for (const ins of decodeRegion(region)) {
    const label = opts.labels?.get(ins.addr);
    if (label !== undefined) yield `\n${ins.addr.toString(16).padStart(16, '0')} <${label}>:`;
    const off = ins.addr - region.addr;
    const bytes = region.bytes.subarray(off, off + ins.len);
    const perLine = opts.wide ? bytes.length : BYTES_PER_LINE;
    const first = byteText(bytes.subarray(0, perLine)).padEnd(BYTES_PER_LINE * 3, ' ');
    yield `${addrText(ins.addr)}:\t${first}\t${formatAtt(ins, opts.symbolize)}`;
    for (let i = perLine; i < bytes.length; i += perLine) {
      yield `${addrText(ins.addr + i)}:\t${byteText(bytes.subarray(i, i + perLine))}`;
    }
  }
}
