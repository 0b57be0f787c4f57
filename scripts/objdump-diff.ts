// Developer tool: how far our disassembly agrees with objdump on a binary, and where not.
//   node --import tsx scripts/objdump-diff.ts FILE [--all] [--grep MNEMONIC]
import { compare } from '../test/support/objdump.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'))!;
const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? args[grepAt + 1] : undefined;
const r = compare(file);
const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(3) : '100');
console.log(`${file}: ${r.agree}/${r.total} agree (${pct(r.agree, r.total)}%), EVEX ${r.evexAgree}/${r.evexTotal}`);
const byMnem = new Map<string, typeof r.mismatches>();
for (const m of r.mismatches) {
  const key = m.objdump.split(' ').filter((w) => !/^(rep|repz|repnz|lock|data16|cs|ds|es|ss|fs|gs|addr32|bnd|notrack|rex.*)$/.test(w))[0] ?? '?';
  if (grep && key !== grep) continue;
  if (!byMnem.has(key)) byMnem.set(key, []);
  byMnem.get(key)!.push(m);
}
const groups = [...byMnem.entries()].sort((a, b) => b[1].length - a[1].length);
for (const [k, ms] of groups.slice(0, args.includes('--all') ? 1000 : 40)) {
  console.log(`${String(ms.length).padStart(6)}  ${k}`);
  for (const m of ms.slice(0, grep ? 20 : 3)) console.log(`        ${m.addr.toString(16)}: ${m.bytes}\n          objdump: ${m.objdump}\n          ours:    ${m.ours}`);
}
