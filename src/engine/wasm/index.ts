// A small WebAssembly binary encoder: what the JIT (backend/wasm) and helpers with
// wasm fast paths build code with. See docs/jit.md for why it is ours.
export { FunctionBuilder, type BlockType, type FuncRef, type TextLine, type ValType } from './function.ts';
export { ModuleBuilder, type GlobalImport, type MemoryImport, type TableImport } from './module.ts';
export { OPCODES, type OpInfo } from './opcodes.ts';
