// Valgrind's XML output, protocol 4 (docs/internals/xml-output-protocol4.txt), which IDEs
// and CI plugins parse: `--xml=yes --xml-file=F`. The error manager feeds it the same
// error records the text report is printed from; the layout (blank lines, indentation,
// the trailing space in <time>) is valgrind 3.19's, byte for byte.
import type { ToolError } from './errors.ts';
import type { Sink } from './output.ts';
import type { FrameInfo } from './symbolize.ts';

/** What the preamble says about the run. */
export interface XmlRunInfo {
  /** --tool's name (`memcheck`). */
  tool: string;
  /** The banner's lines, "Command: ..." last. */
  banner: string[];
  pid: number;
  ppid: number;
  /** The tool's own command line (executable and options), and the program's. */
  vargv: string[];
  argv: string[];
}

/** %pS: the characters XML cannot hold as text. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const hex = (n: number) => `0x${n.toString(16).toUpperCase()}`;

export class XmlOutput {
  private readonly started: number;

  /** `objPath`: an object's path as <obj> gives it (valgrind's are absolute). */
  constructor(private readonly sink: Sink, private readonly objPath: (p: string) => string = (p) => p, private readonly now: () => number = () => Date.now()) {
    this.started = now();
  }

  /** Everything before the first error, ending with status RUNNING. */
  preamble(info: XmlRunInfo): void {
    const out = ['<?xml version="1.0"?>', '', '<valgrindoutput>', '', '<protocolversion>4</protocolversion>',
      `<protocoltool>${xmlEscape(info.tool)}</protocoltool>`, '', '<preamble>',
      ...info.banner.map((l) => `  <line>${xmlEscape(l)}</line>`), '</preamble>', '',
      `<pid>${info.pid}</pid>`, `<ppid>${info.ppid}</ppid>`, `<tool>${xmlEscape(info.tool)}</tool>`, '',
      '<args>', '  <vargv>', ...argList(info.vargv), '  </vargv>', '  <argv>', ...argList(info.argv), '  </argv>', '</args>', ''];
    this.sink(`${out.join('\n')}\n`);
    this.status('RUNNING');
  }

  /** `<status>`: RUNNING after the preamble, FINISHED when the program has ended (before
   *  the leak check's errors). */
  status(state: 'RUNNING' | 'FINISHED'): void {
    this.sink(`${state === 'FINISHED' ? '\n' : ''}<status>\n  <state>${state}</state>\n  <time>${this.elapsed()}</time>\n</status>\n\n`);
  }

  /** One error, as it is found (leaks: as the leak check reports them). */
  error(e: ToolError, unique: number, stackFrames: (ip: number) => FrameInfo[]): void {
    const out = ['<error>', `  <unique>0x${unique.toString(16)}</unique>`, `  <tid>${e.tid ?? 1}</tid>`, `  <kind>${e.xmlKind}</kind>`];
    const frames = (ip: number) => stackFrames(ip).map((f) => (f.obj ? { ...f, obj: this.objPath(f.obj) } : f));
    if (e.leak) {
      out.push('  <xwhat>', `    <text>${xmlEscape(e.what)}</text>`, `    <leakedbytes>${e.leak.bytes}</leakedbytes>`,
        `    <leakedblocks>${e.leak.blocks}</leakedblocks>`, '  </xwhat>');
    } else if (e.xmlKind === 'FishyValue') {
      // memcheck's format for this one ends its <what> with a newline.
      out.push(`  <what>${xmlEscape(e.what)}\n</what>${stack(e.ips, frames)}`);
    } else {
      out.push(`  <what>${xmlEscape(e.what)}</what>`);
    }
    if (e.xmlKind !== 'FishyValue') out.push(stack(e.ips, frames));
    for (const a of e.aux) {
      out.push(`  <auxwhat>${xmlEscape(a.text)}</auxwhat>`);
      if (a.ips) out.push(stack(a.ips, frames));
    }
    out.push('</error>', '', '');
    this.sink(out.join('\n'));
  }

  /** The end: how often each error context occurred (newest first), the suppressions
   *  used, and the closing tag. */
  finish(counts: { count: number; unique: number }[], suppressions: { count: number; name: string }[]): void {
    const out = ['<errorcounts>'];
    for (const c of counts) out.push('  <pair>', `    <count>${c.count}</count>`, `    <unique>0x${c.unique.toString(16)}</unique>`, '  </pair>');
    out.push('</errorcounts>', '', '<suppcounts>');
    for (const s of suppressions) out.push('  <pair>', `    <count>${s.count}</count>`, `    <name>${xmlEscape(s.name)}</name>`, '  </pair>');
    out.push('</suppcounts>', '', '</valgrindoutput>', '', '');
    this.sink(out.join('\n'));
  }

  /** dd:hh:mm:ss.mmm and valgrind's trailing space. */
  private elapsed(): string {
    const ms = Math.max(0, this.now() - this.started);
    const p = (n: number, w = 2) => n.toString().padStart(w, '0');
    const s = Math.floor(ms / 1000);
    return `${p(Math.floor(s / 86400))}:${p(Math.floor(s / 3600) % 24)}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}.${p(ms % 1000, 3)} `;
  }
}

function argList(args: string[]): string[] {
  const [exe, ...rest] = args;
  return [`    <exe>${xmlEscape(exe ?? '')}</exe>`, ...rest.map((a) => `    <arg>${xmlEscape(a)}</arg>`)];
}

/** `<stack>` with one `<frame>` per frame (an inlined call's address gives several). */
function stack(ips: number[], frames: (ip: number) => FrameInfo[]): string {
  const out = ['  <stack>'];
  for (const f of ips.flatMap(frames)) {
    out.push('    <frame>', `      <ip>${hex(f.ip)}</ip>`);
    if (f.obj) out.push(`      <obj>${xmlEscape(f.obj)}</obj>`);
    if (f.fn) out.push(`      <fn>${xmlEscape(f.fn)}</fn>`);
    if (f.dir) out.push(`      <dir>${xmlEscape(f.dir)}</dir>`);
    if (f.file) out.push(`      <file>${xmlEscape(f.file)}</file>`);
    if (f.line !== undefined) out.push(`      <line>${f.line}</line>`);
    out.push('    </frame>');
  }
  out.push('  </stack>');
  return out.join('\n');
}
