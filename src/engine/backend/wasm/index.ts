export { WasmBackend, type WasmBackendOptions } from './backend.ts';
