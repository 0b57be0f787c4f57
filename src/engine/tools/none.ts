// Nulgrind: the tool that adds nothing. Blocks run as lifted and optimised, which makes it
// the measure of the core alone (and the fidelity baseline: a program behaves as natively).
import { GUEST_STATE_SIZE } from '../guest/amd64/state.ts';
import { NONE_BANNER } from '../core/output.ts';
import type { ToolDescriptor } from '../core/tool.ts';

export const NONE_TOOL: ToolDescriptor = {
  name: 'none',
  stateSize: GUEST_STATE_SIZE,
  create: () => ({ banner: NONE_BANNER }),
};
