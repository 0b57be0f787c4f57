// Memcheck's shadow memory for tests: in the tool area of an address space's memory, as
// the tool puts it.
import { AddressSpace } from '../../../src/engine/memory/index.ts';
import { TOOL_AREA, TOOL_AREA_SIZE } from '../../../src/engine/memory/reserved.ts';
import { ShadowMemory } from '../../../src/engine/tools/memcheck/shadow-memory.ts';

/** Shadow memory over `as`'s tool area (a fresh address space's by default). */
export function shadowMemory(as = new AddressSpace()): ShadowMemory {
  return new ShadowMemory(as.memory.view(TOOL_AREA, TOOL_AREA_SIZE));
}
