// Ground truth for the decoder: GNU objdump's disassembly of a file, and ours, side by side.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decodeRegion } from '../../src/engine/guest/amd64/listing.ts';
import { formatAtt } from '../../src/engine/guest/amd64/att.ts';
import { parseElf, sectionBytes } from '../../src/engine/elf/index.ts';

export interface Line { addr: number; bytes: string; text: string }


export function objdumpLines(file: string): Line[] {
  const out = execFileSync('objdump', ['-d', '-w', '-z', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const lines: Line[] = [];
  for (const l of out.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t?(.*)$/.exec(l);
    if (m) lines.push({ addr: parseInt(m[1], 16), bytes: m[2].trim(), text: m[3] });
  }
  return lines;
}

/** Our decoding of the same sections objdump -d disassembles (executable PROGBITS). */
export function ourLines(file: string): Line[] {
  const elf = parseElf(readFileSync(file));
  const lines: Line[] = [];
  for (const s of elf.sections.filter((x) => x.type === 1 && (x.flags & 4) && x.size > 0)) {
    const bytes = sectionBytes(elf, s);
    for (const ins of decodeRegion({ bytes, addr: s.addr })) {
      const off = ins.addr - s.addr;
      const b = Array.from(bytes.subarray(off, off + ins.len), (x) => x.toString(16).padStart(2, '0')).join(' ');
      lines.push({ addr: ins.addr, bytes: b, text: formatAtt(ins) });
    }
  }
  return lines;
}

/** Mnemonic and operands only: objdump's `# comments`, `<symbol>` notes and 0x on bare targets go. */
export function normalize(text: string): string {
  let t = text.replace(/\s+#.*$/, '').replace(/\s*<[^>]*>/g, '').replace(/\s+/g, ' ').trim();
  t = t.replace(/(^| |,|\*)0x([0-9a-f]+)(?=$|,)/g, '$1$2');
  return t;
}

/** In 64-bit mode a 62 after the legacy prefixes is always EVEX. */
export function isEvex(bytes: string): boolean {
  for (const b of bytes.split(' ')) {
    if (['66', '67', 'f2', 'f3', '2e', '3e', '26', '36', '64', '65', 'f0'].includes(b)) continue;
    return b === '62';
  }
  return false;
}

export interface Agreement {
  total: number; agree: number; evexTotal: number; evexAgree: number;
  mismatches: { addr: number; bytes: string; objdump: string; ours: string }[];
}

export function compare(file: string): Agreement {
  const theirs = objdumpLines(file);
  const ours = new Map(ourLines(file).map((l) => [l.addr, l]));
  const r: Agreement = { total: 0, agree: 0, evexTotal: 0, evexAgree: 0, mismatches: [] };
  for (const t of theirs) {
    const o = ours.get(t.addr);
    const ok = o !== undefined && o.bytes === t.bytes && normalize(o.text) === normalize(t.text);
    if (isEvex(t.bytes)) { r.evexTotal++; if (ok) r.evexAgree++; continue; }
    r.total++;
    if (ok) r.agree++;
    else r.mismatches.push({ addr: t.addr, bytes: t.bytes, objdump: normalize(t.text), ours: o ? `${o.bytes} | ${normalize(o.text)}` : '(no instruction here)' });
  }
  return r;
}
