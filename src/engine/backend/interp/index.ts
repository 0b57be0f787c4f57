// The reference IR interpreter: the public surface of src/engine/backend/interp.
// See docs/interp.md.
export { compile, type CompiledBlock } from './compile.ts';
export { IRStepper } from './stepper.ts';
export {
  GuestFault, OpTrap,
  type BlockExit, type DirtyHelper, type ExecEnv, type HelperTable, type MemoryPort, type PureHelper,
} from './env.ts';
export { opFn, type OpFn } from './ops.ts';
export {
  bitsToValue, constToValue, formatValue, valueArray, valueToBits, type Value, type Vec,
} from './values.ts';
