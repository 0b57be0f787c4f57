// The amd64 helper functions the lifted IR calls by name: pure CCalls (the lazy-flags
// evaluators) and dirty helpers (cpuid, rdtsc). Names are VEX's, so traces match.
import { calculateCondition, calculateRflagsAll, calculateRflagsC } from './flags.ts';
import { cpuid } from './cpuid.ts';
import { OFFSET_GPR } from './state.ts';
import { dirtyLoadF80le, dirtyStoreF80le } from './x87-format.ts';
import { fxrstor, fxsave } from './fxsave.ts';
import type { ExecEnv, HelperTable } from '../../backend/interp/index.ts';

/** A pure helper over I64 arguments (as bigints), returning an I64. */
export type PureHelper = (...args: bigint[]) => bigint;

export const AMD64_PURE_HELPERS: Record<string, PureHelper> = {
  amd64g_calculate_condition: (cond, op, d1, d2, nd) =>
    BigInt(calculateCondition(Number(cond), Number(op), d1!, d2!, nd!)),
  amd64g_calculate_rflags_all: (op, d1, d2, nd) => calculateRflagsAll(Number(op), d1!, d2!, nd!),
  amd64g_calculate_rflags_c: (op, d1, d2, nd) => calculateRflagsC(Number(op), d1!, d2!, nd!),
};

/** cpuid: reads eax/ecx from the guest state and writes eax..edx (zero-extended). */
export function cpuidHelper(state: DataView): void {
  const leaf = state.getUint32(OFFSET_GPR(0), true);
  const sub = state.getUint32(OFFSET_GPR(1), true);
  const r = cpuid(leaf, sub);
  const put = (n: number, v: number) => state.setBigUint64(OFFSET_GPR(n), BigInt(v >>> 0), true);
  put(0, r.eax);
  put(3, r.ebx);
  put(1, r.ecx);
  put(2, r.edx);
}

/** Everything lifted amd64 code calls, for the interpreter; `ticks` feeds rdtsc. */
export function amd64Helpers(ticks: () => bigint): HelperTable {
  return {
    pure: AMD64_PURE_HELPERS,
    dirty: {
      amd64g_dirtyhelper_CPUID_baseline: (env: ExecEnv) => { cpuidHelper(env.state); return undefined; },
      amd64g_dirtyhelper_RDTSC: () => ticks(),
      // fldt/fstpt: 80-bit extended <-> our double-precision x87 registers.
      amd64g_dirtyhelper_loadF80le: (env: ExecEnv, addr: bigint, rm: bigint) => dirtyLoadF80le(env.mem, addr, rm),
      amd64g_dirtyhelper_storeF80le: (env: ExecEnv, addr: bigint, v: bigint) => { dirtyStoreF80le(env.mem, addr, v); return undefined; },
      amd64g_dirtyhelper_FXSAVE: (env: ExecEnv, addr: bigint) => { fxsave(env.state, env.mem, Number(addr)); return undefined; },
      amd64g_dirtyhelper_FXRSTOR: (env: ExecEnv, addr: bigint) => { fxrstor(env.state, env.mem, Number(addr)); return undefined; },
    },
  };
}
