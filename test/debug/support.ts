// A Machine on a sample's static build, with a debugger and a kdb console, run in Node.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Debugger, type Outcome } from '../../src/engine/core/debugger.ts';
import { Machine } from '../../src/engine/core/machine.ts';
import { Kdb } from '../../src/engine/debug/kdb.ts';
import type { TerminalHost } from '../../src/engine/kernel/vfs/index.ts';

export const SAMPLES = join(import.meta.dirname, '../../public/samples');

export interface Guest {
  machine: Machine;
  dbg: Debugger;
  kdb: Kdb;
  stdout: () => string;
  /** Runs until the guest stops or ends (it never reads input here). */
  go(): Outcome;
}

export function guest(sample: string): Guest {
  let out = '';
  const decoder = new TextDecoder();
  const terminal: TerminalHost = {
    write: (_s, bytes) => { out += decoder.decode(bytes, { stream: true }); },
    read: () => new Uint8Array(0),
    isatty: () => true, // line-buffered stdout, as in the playground's terminal
    windowSize: () => ({ rows: 24, cols: 80 }),
  };
  const program = readFileSync(join(SAMPLES, sample));
  const machine = new Machine({ program, path: `/home/user/${sample}`, args: [], env: [], seed: 1, log: () => {}, terminal, checkIR: true });
  const dbg = new Debugger(machine);
  const g: Guest = {
    machine, dbg, stdout: () => out,
    kdb: new Kdb(dbg, {
      get paused() { return true; },
      resume: () => { g.go(); },
      step: (kind) => {
        let o = kind === 'into' ? dbg.stepInstruction() : dbg.stepOverCall();
        while (o.kind === 'running') o = dbg.run(1000);
        return o.kind === 'stopped';
      },
    }),
    go() {
      let o: Outcome;
      do o = dbg.run(1000); while (o.kind === 'running');
      return o;
    },
  };
  return g;
}

/** A symbol's address from the ELF's symbol table, as nm prints it. */
export function nmAddress(sample: string, name: string): number {
  const line = execFileSync('nm', [join(SAMPLES, sample)], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(` ${name}`));
  if (!line) throw new Error(`${name} not in ${sample}`);
  return parseInt(line.split(' ')[0]!, 16);
}

/** objdump -d's lines for a function: [address, bytes, instruction text]. */
export function objdumpFunction(sample: string, name: string): { addr: number; len: number; text: string }[] {
  const text = execFileSync('objdump', ['-d', '-w', join(SAMPLES, sample)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const start = text.indexOf(`<${name}>:\n`);
  const body = text.slice(start).split('\n\n')[0]!.split('\n').slice(1);
  return body.map((l) => {
    const [addr, bytes, insn] = l.split('\t');
    return { addr: parseInt(addr!, 16), len: bytes!.trim().split(' ').length, text: insn!.replace(/\s+#.*$/, '').trim() };
  });
}

/** objdump -d's instruction text at one address (one instruction). */
export function objdumpAt(sample: string, addr: number): string {
  const text = execFileSync('objdump', ['-d', '-w', `--start-address=${addr}`, `--stop-address=${addr + 16}`, join(SAMPLES, sample)], { encoding: 'utf8' });
  const line = text.split('\n').find((l) => parseInt(/^\s*([0-9a-f]+):\t/.exec(l)?.[1] ?? '', 16) === addr);
  if (!line) throw new Error(`objdump has no instruction at 0x${addr.toString(16)} in ${sample}`);
  return line.split('\t')[2]!.replace(/\s+#.*$/, '').trim();
}
