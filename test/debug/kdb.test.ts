// kdb's commands on hello-static stopped at a breakpoint on main.
import { beforeEach, describe, expect, it } from 'vitest';
import { type Guest, guest, nmAddress, objdumpFunction } from './support.ts';

const HELLO = 'hello/hello-static';
const MAIN = nmAddress(HELLO, 'main');
const mainInsns = objdumpFunction(HELLO, 'main');
const hex16 = (a: number) => a.toString(16).padStart(16, '0');

describe('kdb on hello-static at main', () => {
  let g: Guest;
  beforeEach(() => {
    g = guest(HELLO);
    expect(g.kdb.exec('bp main')).toBe(`breakpoint [0] ${hex16(MAIN)} main+0x0`);
    expect(g.go()).toEqual({ kind: 'stopped', reason: { kind: 'breakpoint', id: 0, addr: MAIN } });
  });

  it('dr: RIP is main with its symbol, rflags decoded, gprs three to a line, selectors', () => {
    const dr = g.kdb.exec('dr').split('\n');
    expect(dr[0]).toBe(`RIP:    0033:[<${hex16(MAIN)}>] main+0x0`);
    expect(dr[1]).toMatch(/^RFLAGS: [0-9a-f]{16} \[ (\w+ )*IF (\w+ )*\]   CONTEXT: guest \(user\)$/);
    expect(dr[2]).toMatch(/^rax: [0-9a-f]{16}   rbx: [0-9a-f]{16}   rcx: [0-9a-f]{16}$/);
    const rsp = g.dbg.reg(4);
    expect(dr[4]).toContain(`rsp: ${hex16(rsp)}`);
    expect(dr.some((l) => /^fsb: [0-9a-f]{16}   gsb: [0-9a-f]{16}$/.test(l))).toBe(true);
    expect(dr[dr.length - 1]).toBe('ds: 0000   es: 0000   fs: 0000   gs: 0000   ss: 002b   cs: 0033');
  });

  it("dis: main's instructions as objdump prints them, with kdb's `addr symbol+off:`", () => {
    const dis = g.kdb.exec('dis').split('\n');
    expect(dis).toHaveLength(10);
    expect(dis[0]).toBe(`${hex16(MAIN)} main+0x0: ${mainInsns[0]!.text}`);
    // Operands match objdump's up to symbol names: it picks other aliases (_IO_printf for
    // printf) and names data (`# 479004 <_IO_stdin_used+0x4>`), where we know functions only.
    const bare = (t: string) => t.replace(/ <.*>$/, '').replace(/\s+#.*$/, '');
    dis.forEach((l, i) => expect(bare(l)).toBe(
      bare(`${hex16(mainInsns[i]!.addr)} main+0x${(mainInsns[i]!.addr - MAIN).toString(16)}: ${mainInsns[i]!.text}`)));
    expect(g.kdb.exec(`dis ${(MAIN + 4).toString(16)} 1`)).toBe(`${hex16(MAIN + 4)} main+0x4: ${mainInsns[1]!.text}`);
  });

  it('ss advances rip by the instruction length; ni steps over printf', () => {
    expect(g.kdb.exec('ss')).toBe(`${hex16(MAIN + 4)} main+0x4: ${mainInsns[1]!.text}`);
    expect(g.dbg.rip).toBe(mainInsns[1]!.addr);
    const call = mainInsns.findIndex((i) => i.text.startsWith('call'));
    while (g.dbg.rip !== mainInsns[call]!.addr) g.kdb.exec('ni');
    expect(g.stdout()).toBe('');
    const after = mainInsns[call + 1]!.addr;
    expect(g.kdb.exec('ni')).toMatch(new RegExp(`^${hex16(after)} main\\+0x${(after - MAIN).toString(16)}: lea`));
    expect(g.dbg.rip).toBe(after);
    expect(g.stdout()).toBe('Hello, world! 2 + 3 = 5\n');
  });

  it('f lists main and the C library start-up that called it', () => {
    const f = g.kdb.exec('f').split('\n');
    expect(f[0]).toBe(`#0 ${hex16(MAIN)} main+0x0`);
    expect(f[1]).toMatch(/^#1 [0-9a-f]{16} __libc_start_call_main\+0x[0-9a-f]+$/);
  });

  it('dd annotates code addresses: the return address on the stack', () => {
    const line = g.kdb.exec('dd rsp 1');
    expect(line).toMatch(new RegExp(`^${hex16(g.dbg.reg(4))}: [0-9a-f]{16}  __libc_start_call_main\\+0x[0-9a-f]+$`));
    const words = g.kdb.exec('dw rsp 6').split('\n');
    expect(words).toHaveLength(2);
    expect(words[0]).toMatch(/^[0-9a-f]{16}: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$/);
  });

  it('bp lists, bc clears, go runs to the end', () => {
    expect(g.kdb.exec('bp main+0x4')).toBe(`breakpoint [1] ${hex16(MAIN + 4)} main+0x4`);
    expect(g.kdb.exec('bp')).toBe(`[0] ${hex16(MAIN)} main+0x0\n[1] ${hex16(MAIN + 4)} main+0x4`);
    expect(g.kdb.exec('bc 0')).toBe('cleared breakpoint 0');
    expect(g.go()).toEqual({ kind: 'stopped', reason: { kind: 'breakpoint', id: 1, addr: MAIN + 4 } });
    expect(g.kdb.exec('bc all')).toBe('cleared 1 breakpoint');
    expect(g.kdb.exec('bp')).toBe('no breakpoints');
    expect(g.go()).toEqual({ kind: 'ended', state: { kind: 'exited', status: 0 } });
    expect(g.stdout()).toBe('Hello, world! 2 + 3 = 5\nGoodbye.\n');
  });

  it('cpu all: the one thread at main', () => {
    expect(g.kdb.exec('cpu all')).toBe(`[tid ${g.machine.proc.pid}] ${hex16(MAIN)} main+0x0: ${mainInsns[0]!.text}`);
  });

  it('bad input answers with an error line', () => {
    expect(g.kdb.exec('x')).toBe("kdb: unknown command 'x', h for help");
    expect(g.kdb.exec('constructor')).toBe("kdb: unknown command 'constructor', h for help");
    expect(g.kdb.exec('dw nosuchsymbol')).toBe("kdb: bad address 'nosuchsymbol'");
    expect(g.kdb.exec('dd 0 4')).toBe('kdb: cannot read 32 bytes at 0x0');
    expect(g.kdb.exec('dw rsp -1')).toBe("kdb: bad count '-1'");
    expect(g.kdb.exec('bc 7')).toBe('kdb: no breakpoint 7');
    expect(g.kdb.exec('bp 10')).toBe('kdb: 0x10 is not mapped');
    expect(g.kdb.exec('cpu')).toBe('kdb: usage: cpu all|N');
    expect(g.kdb.exec('')).toBe('');
    expect(g.kdb.exec('h')).toContain('dis [ADDR] [N]');
  });
});

describe('kdb on the threads sample stopped in a worker', () => {
  it('cpu all: the worker at the breakpoint first, then main and the workers not started yet', () => {
    const sample = 'threads/threads-static';
    const worker = nmAddress(sample, 'worker');
    const g = guest(sample);
    g.kdb.exec('bp worker');
    expect(g.go()).toEqual({ kind: 'stopped', reason: { kind: 'breakpoint', id: 0, addr: worker } });
    const lines = g.kdb.exec('cpu all').split('\n');
    const pid = g.machine.proc.pid;
    // main made its three workers before it waited for them: four threads.
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(new RegExp(`^\\[tid (${pid + 1}|${pid + 2}|${pid + 3})\\] ${hex16(worker)} worker\\+0x0: `));
    const rest = lines.slice(1).map((l) => /^\[tid (\d+)\] ([0-9a-f]{16}) (\S+):/.exec(l)!);
    expect(rest.map((r) => Number(r[1])).sort()).toEqual([pid, pid + 1, pid + 2, pid + 3].filter((t) => !lines[0]!.startsWith(`[tid ${t}]`)));
    // The others stand after a syscall: main in its futex wait, the new ones just out of clone.
    for (const r of rest) expect(r[3]).not.toBe('worker+0x0');
    expect(rest.filter((r) => r[3]!.startsWith('clone+'))).toHaveLength(2);
  });

  it('cpu 1 views the main thread: dr, f and rsp are its own; cpu N of the worker views it again', () => {
    const sample = 'threads/threads-static';
    const worker = nmAddress(sample, 'worker');
    const main = nmAddress(sample, 'main');
    const g = guest(sample);
    g.kdb.exec('bp worker');
    g.go();
    const pid = g.machine.proc.pid;
    expect(g.kdb.exec('cpu 1')).toMatch(new RegExp(`^thread 1 \\[tid ${pid}\\]: [0-9a-f]{16} `));
    const dr = g.kdb.exec('dr').split('\n');
    expect(dr[0]).not.toContain(hex16(worker));
    const rsp = parseInt(/rsp: ([0-9a-f]{16})/.exec(dr[4]!)![1]!, 16);
    const stack = g.machine.as.mainStack!;
    expect(rsp >= stack.limit && rsp < stack.top, "main's rsp is on the main stack").toBe(true);
    expect(g.kdb.address('rsp')).toBe(rsp);
    // main waits in pthread_cond_wait: its stack goes back through main.
    const frames = g.kdb.exec('f').split('\n');
    expect(frames.some((l) => new RegExp(` main\\+0x[0-9a-f]+$`).test(l))).toBe(true);
    expect(frames.every((l) => !l.includes(hex16(main)))).toBe(true);
    const running = g.machine.sched.current;
    expect(g.kdb.exec(`cpu ${running.num}`)).toMatch(new RegExp(`^thread ${running.num} \\[tid ${running.tid}\\] \\(running\\): ${hex16(worker)} worker\\+0x0: `));
    expect(g.kdb.exec('dr').split('\n')[0]).toBe(`RIP:    0033:[<${hex16(worker)}>] worker+0x0`);
    expect(g.kdb.exec('cpu 9')).toBe('kdb: no thread 9 (cpu all lists them)');
  });
});
