// What memcheck's parts share during a run: the core's services, the shadow memory, the
// heap and the options, with the few operations every part uses.
import type { ToolCore } from '../../core/tool.ts';
import type { ToolError } from '../../core/errors.ts';
import type { Heap } from './heap.ts';
import type { MemcheckOptions } from './options.ts';
import type { OriginTracker } from './origin-tracker.ts';
import { type ClientBlock, describeAddress } from './reports.ts';
import type { ShadowMemory } from './shadow-memory.ts';

export class MemcheckContext {
  /** An uninitialised-value error was found (the --track-origins hint at exit). */
  valueErrorSeen = false;
  /** --track-origins=yes: the origins of undefined bytes. */
  origins?: OriginTracker;
  /** CREATE_BLOCK's described blocks, by handle; a discarded one leaves a free slot. */
  readonly clientBlocks: (ClientBlock | undefined)[] = [];

  constructor(
    readonly core: ToolCore, readonly shadow: ShadowMemory, readonly heap: Heap, readonly o: MemcheckOptions,
  ) {}

  stack(pc: number): number[] {
    return this.core.stackTrace(pc);
  }

  report(e: ToolError): void {
    this.core.errors.report(e);
  }

  describe(addr: number) {
    return describeAddress(addr, this.clientBlocks, this.heap, this.core.threadStacks(), (a) => this.core.stackFrameOf(a));
  }

  /** Guest bytes, or undefined where they are not mapped. */
  read(addr: number, len: number): Uint8Array | undefined {
    const b = this.core.as.readBytes(addr, len);
    return b instanceof Uint8Array ? b : undefined;
  }
}
