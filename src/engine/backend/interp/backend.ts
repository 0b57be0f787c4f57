// The interpreter as a Backend: each translation compiled once into closures (on its
// second run), run one block per call, its runs counted in the shared run area as
// generated code counts them. A block's first run walks its IR directly (the stepper):
// most of ld.so's blocks run once, and their closures would cost more to make, and to
// keep (~12 KB a block), than the walk.
import type { Backend, Ran } from '../backend.ts';
import type { Translation } from '../cache.ts';
import type { HelperSet } from '../helpers.ts';
import type { RunCounters } from '../run-area.ts';
import { type CompiledBlock, compile } from './compile.ts';
import type { ExecEnv } from './env.ts';
import { IRStepper } from './stepper.ts';

export class InterpBackend implements Backend {
  readonly kind = 'interp';
  private readonly code: (CompiledBlock | undefined)[] = [];

  constructor(private readonly helpers: HelperSet, private readonly env: ExecEnv, private readonly counters: RunCounters) {}

  /** The closures for `t` (made on first use; a translation without a slot is never kept). */
  compiled(t: Translation): CompiledBlock {
    const c = this.code[t.slot];
    if (c && c.sb === t.sb) return c;
    const made = compile(t.sb, this.helpers);
    if (t.slot) this.code[t.slot] = made;
    return made;
  }

  run(t: Translation): Ran {
    const first = !this.code[t.slot] && this.counters.runsOf(t.slot) === 0;
    const exit = first ? new IRStepper(t.sb, this.helpers, this.env).run() : this.compiled(t).run(this.env);
    this.counters.count(t.slot, t.insns[exit.stmtIndex]!);
    return { blocks: 1, last: t, exit };
  }

  drop(t: Translation): void {
    this.code[t.slot] = undefined;
  }
}
