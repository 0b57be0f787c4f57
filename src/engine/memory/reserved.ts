// The engine's reserved top 512 MiB of the window, carved up. Everything generated code
// reads besides guest memory lives here, in the same shared WebAssembly.Memory, so a
// translated block reaches it with plain loads and stores: the guest state of each
// thread, the page table it checks every access against, the JIT's counters and lookup
// cache, and memcheck's shadow memory. The guest can never map any of it
// (ENGINE_RESERVED_START), so its page-table entries are 0 and a guest access faults.
import { ENGINE_RESERVED_END, ENGINE_RESERVED_START, PAGE_SIZE, WINDOW_END } from './layout.ts';

const MIB = 0x10_0000;

/** Guest state (the register file and its shadows): the running thread's in the first
 *  slot, every other thread's in a slot of its own (sched/): 511 threads at once, about
 *  Valgrind's default --max-threads (500). */
export const THREAD_STATES = ENGINE_RESERVED_START;
export const THREAD_STATE_SLOT = 0x1000;
export const THREAD_STATES_SIZE = 2 * MIB;

/** One byte per 4 KiB page of the window (page-table.ts). */
export const PAGE_TABLE = THREAD_STATES + THREAD_STATES_SIZE;
export const PAGE_TABLE_SIZE = WINDOW_END / PAGE_SIZE;

/** The JIT's data (backend/wasm/runtime-layout.ts). */
export const JIT_AREA = PAGE_TABLE + PAGE_TABLE_SIZE;
export const JIT_AREA_SIZE = 2 * MIB;

/** A tool's shadow memory (memcheck's A and V bits), up to the top of the window. */
export const TOOL_AREA = JIT_AREA + JIT_AREA_SIZE;
export const TOOL_AREA_SIZE = ENGINE_RESERVED_END - TOOL_AREA;
