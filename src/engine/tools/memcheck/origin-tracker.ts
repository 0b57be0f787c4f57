// The runtime side of --track-origins=yes: it makes the otags (one per origin event, with
// the stack memcheck prints for it), gives new memory its origin (a malloc'd block, a
// client request's range), and turns an error's otag back into the lines
// " Uninitialised value was created by a heap allocation" and its stack.
import type { AuxWhat } from '../../core/errors.ts';
import { OriginMemory } from './origin-memory.ts';
import { type OriginKind, type OriginSource, NO_ORIGIN } from './origins.ts';

interface Origin {
  kind: OriginKind;
  ips: number[];
}

/** mc_pp_origin's words. */
const CREATED_BY: Record<OriginKind, string> = {
  heap: 'Uninitialised value was created by a heap allocation',
  stack: 'Uninitialised value was created by a stack allocation',
  'client-request': 'Uninitialised value was created by a client request',
};

export class OriginTracker implements OriginSource {
  readonly memory = new OriginMemory();
  /** otag - 1 → its origin. */
  private readonly origins: Origin[] = [];
  /** One otag per kind and stack, as memcheck's otag is an ExeContext's unique plus its kind. */
  private readonly byStack = new Map<string, number>();

  /** `stack(pc)`: the current stack trace at pc. */
  constructor(private readonly stack: (pc: number) => number[]) {}

  /** A stack origin is the one instruction that made the frame (a depth-1 stack); the
   *  others carry the stack of the request that made the bytes undefined. */
  newOrigin(kind: OriginKind, pc: number): number {
    return this.otagFor(kind, kind === 'stack' ? [pc] : this.stack(pc));
  }

  otagFor(kind: OriginKind, ips: number[]): number {
    const key = `${kind}:${ips.join(',')}`;
    let otag = this.byStack.get(key);
    if (otag === undefined) {
      this.origins.push({ kind, ips });
      otag = this.origins.length;
      this.byStack.set(key, otag);
    }
    return otag;
  }

  /** [addr, addr+len) became undefined by `kind` with stack `ips` (a heap block: its
   *  allocation stack). */
  made(addr: number, len: number, kind: OriginKind, ips: number[]): void {
    if (len > 0) this.memory.setRange(addr, len, this.otagFor(kind, ips));
  }

  /** [addr, addr+len) became undefined with no known origin (brk growth). */
  forget(addr: number, len: number): void {
    if (len > 0) this.memory.setRange(addr, len, NO_ORIGIN);
  }

  /** The lines an error with this otag ends with (none for an unknown origin). */
  aux(otag: number | undefined): AuxWhat[] {
    const o = otag ? this.origins[(otag >>> 0) - 1] : undefined;
    return o ? [{ text: CREATED_BY[o.kind], ips: o.ips }] : [];
  }

  /** The origin lines of the undefined byte at addr. */
  auxAt(addr: number): AuxWhat[] {
    return this.aux(this.memory.otagAt(addr));
  }
}
