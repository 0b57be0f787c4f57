// The reference IR interpreter: the public surface of src/engine/backend/interp.
// See docs/interp.md.
export { compile, type CompiledBlock } from './compile.ts';
export { IRStepper } from './stepper.ts';
export { InterpBackend } from './backend.ts';
export { OpTrap, type ExecEnv } from './env.ts';
export { opFn, type OpFn } from './ops.ts';
export {
  bitsToValue, constToValue, formatValue, valueArray, valueToBits, type Value, type Vec,
} from './values.ts';
