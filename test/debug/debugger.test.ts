// Stepping, breakpoints inside translated blocks, the block list and block views, and the
// IR stepper, on hello-static.
import { describe, expect, it } from 'vitest';
import { GUEST_STATE_SIZE } from '../../src/engine/guest/amd64/state.ts';
import { type Guest, guest, nmAddress, objdumpFunction } from './support.ts';

const HELLO = 'hello/hello-static';
const MAIN = nmAddress(HELLO, 'main');
const mainInsns = objdumpFunction(HELLO, 'main');
const CALL = mainInsns.findIndex((i) => i.text.startsWith('call'));
// The block at main follows the call into printf (as VEX chases direct calls) and ends at
// printf's first conditional branch, which goes to its target or the next instruction.
const printfInsns = objdumpFunction(HELLO, '_IO_printf');
const JCC = printfInsns.findIndex((i) => /^j(?!mp)/.test(i.text));
const blockInsns = [...mainInsns.slice(0, CALL + 1), ...printfInsns.slice(0, JCC + 1)];
const jccEnds = [Number.parseInt(/^\S+\s+([0-9a-f]+)/.exec(printfInsns[JCC]!.text)![1]!, 16), printfInsns[JCC + 1]!.addr];
const printfFrame = Number.parseInt(/^sub\s+\$0x([0-9a-f]+),%rsp$/.exec(printfInsns[0]!.text)![1]!, 16);

function atMain(): Guest {
  const g = guest(HELLO);
  g.dbg.setBreakpoint(MAIN);
  expect(g.go()).toEqual({ kind: 'stopped', reason: { kind: 'breakpoint', id: 0, addr: MAIN } });
  return g;
}

const stateBytes = (g: Guest) => new Uint8Array(g.machine.guestState.buffer, g.machine.guestState.byteOffset, GUEST_STATE_SIZE).slice();

describe('stepping', () => {
  it('step instruction advances rip by the instruction length, one at a time', () => {
    const g = atMain();
    for (let i = 0; i < CALL; i++) {
      expect(g.dbg.rip).toBe(mainInsns[i]!.addr);
      expect(g.dbg.stepInstruction()).toEqual({ kind: 'stopped', reason: { kind: 'step' } });
      expect(g.dbg.rip).toBe(mainInsns[i]!.addr + mainInsns[i]!.len);
    }
    // One-instruction translations are not cached: the block list has none at main.
    expect(g.dbg.blocks().some((b) => b.addr >= MAIN && b.addr < mainInsns[CALL]!.addr)).toBe(false);
  });

  it("step block runs main's first block, through the call into printf's first branch", () => {
    const g = atMain();
    const rsp = g.dbg.reg(4);
    expect(g.dbg.stepBlock()).toEqual({ kind: 'stopped', reason: { kind: 'step' } });
    expect(jccEnds).toContain(g.dbg.rip);
    // main's sub $8, the return address, printf's frame; the return address is main's.
    expect(g.dbg.reg(4)).toBe(rsp - 16 - printfFrame);
    expect(g.machine.as.memory.readU64(rsp - 16)).toBe(BigInt(mainInsns[CALL + 1]!.addr));
    const b = g.dbg.blocks().find((x) => x.addr === MAIN)!;
    expect(b).toEqual({
      addr: MAIN, where: 'main+0x0', executions: 1, guestInsns: blockInsns.length,
      guestBytes: blockInsns.reduce((n, i) => n + i.len, 0), irStmts: expect.any(Number),
    });
  });

  it('a breakpoint set inside a translated block stops there', () => {
    const g = atMain();
    g.dbg.machine.translation(MAIN); // main's block, translated whole
    const mid = mainInsns[4]!.addr;
    g.dbg.setBreakpoint(mid);
    expect(g.go()).toEqual({ kind: 'stopped', reason: { kind: 'breakpoint', id: 1, addr: mid } });
    const b = g.dbg.blocks().find((x) => x.addr === MAIN)!;
    expect(b.guestInsns).toBe(4); // re-translated to end before the breakpoint
  });

  it('ni over a call stops at the return address with printf done', () => {
    const g = atMain();
    while (g.dbg.rip !== mainInsns[CALL]!.addr) g.dbg.stepInstruction();
    let o = g.dbg.stepOverCall();
    while (o.kind === 'running') o = g.dbg.run(1000);
    expect(o).toEqual({ kind: 'stopped', reason: { kind: 'step' } });
    expect(g.dbg.rip).toBe(mainInsns[CALL + 1]!.addr);
    expect(g.stdout()).toBe('Hello, world! 2 + 3 = 5\n');
    expect(g.machine.breakAt).toEqual(new Set([MAIN])); // the temporary stop is gone
  });
});

describe('block views', () => {
  it('guest disassembly, IR before and after, and IMark attribution of every line', () => {
    const g = atMain();
    g.dbg.stepBlock();
    const d = g.dbg.block(MAIN)!;
    expect(d.guest.map((x) => x.addr)).toEqual(blockInsns.map((i) => i.addr));
    expect(d.guest[0]).toEqual({ addr: MAIN, bytes: '48 83 ec 08', text: 'sub    $0x8,%rsp' });
    for (const [text, imark] of [[d.irBefore, d.imarkBefore], [d.irAfter, d.imarkAfter]] as const) {
      const lines = text.split('\n');
      expect(imark).toHaveLength(lines.length);
      lines.forEach((l, i) => {
        const m = /IMark\(0x([0-9A-F]+),/.exec(l);
        if (m) expect(imark[i]).toBe(parseInt(m[1]!, 16)); // an IMark line heads its own group
        if (/^ {3}(t\d+ = |PUT|ST|if |DIRTY)/.test(l)) expect(imark[i]).not.toBeNull();
      });
      expect(imark[0]).toBeNull(); // `IRSB {`
      expect(imark[lines.length - 2]).toBeNull(); // `}`
      expect(lines[lines.length - 3]).toMatch(/^ {3}PUT\(184\) = .*; exit-Boring$/);
      expect(imark[lines.length - 3]).toBe(printfInsns[JCC]!.addr);
      expect(new Set(imark.filter((a) => a !== null))).toEqual(new Set(d.guest.map((x) => x.addr)));
    }
    // The lifted IR is kept as lifted: optimisation makes a new block.
    expect(d.irBefore).not.toBe(d.irAfter);
    expect(d.irBefore.split('\n').length).toBeGreaterThan(d.irAfter.split('\n').length);
    expect(g.dbg.block(0x1234)).toBeUndefined();
  });
});

describe('IR stepper', () => {
  it('stepping a whole block statement by statement leaves the state running it leaves', () => {
    const a = atMain();
    const b = atMain();
    expect(stateBytes(a)).toEqual(stateBytes(b));
    a.dbg.stepBlock();
    const views = [];
    for (;;) {
      const { view, outcome } = b.dbg.irStep();
      views.push(view);
      if (view.done) {
        expect(outcome).toEqual({ kind: 'running' });
        break;
      }
    }
    expect(stateBytes(b)).toEqual(stateBytes(a));
    expect(jccEnds).toContain(b.dbg.rip);
    const d = b.dbg.block(MAIN)!;
    const lines = d.irAfter.split('\n');
    // Each view points at the statement it will run next, on its line of irAfter.
    views.slice(0, -1).forEach((v, i) => expect(v.next).toBe(i + 1));
    expect(lines[views[0]!.line - 1]).toMatch(/IMark\(0x/);
    // Temps are shown in hex at their type's width: t0..tN as assigned.
    const temps = views[views.length - 1]!.temps;
    expect(Object.keys(temps).length).toBeGreaterThan(0);
    for (const [name, v] of Object.entries(temps)) {
      const ty = d.irAfter.match(new RegExp(`\\b${name}:(I\\d+|F\\d+|V\\d+)`))![1]!;
      expect(v).toMatch(ty === 'I1' ? /^0x[01]$/ : new RegExp(`^0x[0-9A-F]{${Number(ty.slice(1)) / 4}}$`));
    }
    expect(b.dbg.blocks().find((x) => x.addr === MAIN)!.executions).toBe(1);
  });

  it('resuming in the middle of an IR step finishes the block, then runs on', () => {
    const g = atMain();
    for (let i = 0; i < 5; i++) g.dbg.irStep();
    expect(g.dbg.rip).toBe(MAIN);
    g.dbg.clearBreakpoint(0);
    expect(g.go()).toEqual({ kind: 'ended', state: { kind: 'exited', status: 0 } });
    expect(g.stdout()).toBe('Hello, world! 2 + 3 = 5\nGoodbye.\n');
  });
});
