// The amd64 helper functions the lifted IR calls by name: pure CCalls (the lazy-flags
// evaluators) and dirty helpers (cpuid, rdtsc, 80-bit x87 loads and stores, fxsave).
// Names are VEX's, so traces match.
import { type HelperDecl, dirtyHelper, pureHelper } from '../../backend/helpers.ts';
import { calculateCondition, calculateRflagsAll, calculateRflagsC } from './flags.ts';
import { conditionFastPath, rflagsAllFastPath, rflagsCFastPath } from './flags-wasm.ts';
import { cpuid } from './cpuid.ts';
import { OFFSET_GPR } from './state.ts';
import { dirtyLoadF80le, dirtyStoreF80le } from './x87-format.ts';
import { fxrstor, fxsave } from './fxsave.ts';

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

/** Everything lifted amd64 code calls; `ticks` feeds rdtsc. */
export function amd64Helpers(ticks: () => bigint): HelperDecl[] {
  return [
    // The condition code and CC_OP are small numbers; the thunk's operands need 64 bits.
    pureHelper('amd64g_calculate_condition', 'Word Word I64 I64 I64 -> I64',
      (cond: number, op: number, d1: bigint, d2: bigint, nd: bigint) => BigInt(calculateCondition(cond, op, d1, d2, nd)), conditionFastPath),
    pureHelper('amd64g_calculate_rflags_all', 'Word I64 I64 I64 -> I64', calculateRflagsAll, rflagsAllFastPath),
    pureHelper('amd64g_calculate_rflags_c', 'Word I64 I64 I64 -> I64', calculateRflagsC, rflagsCFastPath),
    dirtyHelper('amd64g_dirtyhelper_CPUID_baseline', '-> none', { state: true }, (env) => { cpuidHelper(env.state); return undefined; }),
    dirtyHelper('amd64g_dirtyhelper_RDTSC', '-> I64', { clock: true }, () => ticks()),
    // fldt/fstpt: 80-bit extended <-> our double-precision x87 registers.
    dirtyHelper('amd64g_dirtyhelper_loadF80le', 'Word Word -> I64', { memory: true },
      (env, addr: number, rm: number) => dirtyLoadF80le(env.mem, addr, rm)),
    dirtyHelper('amd64g_dirtyhelper_storeF80le', 'Word I64 -> none', { memory: true },
      (env, addr: number, v: bigint) => { dirtyStoreF80le(env.mem, addr, v); return undefined; }),
    dirtyHelper('amd64g_dirtyhelper_FXSAVE', 'Word -> none', { state: true, memory: true },
      (env, addr: number) => { fxsave(env.state, env.mem, addr); return undefined; }),
    dirtyHelper('amd64g_dirtyhelper_FXRSTOR', 'Word -> none', { state: true, memory: true },
      (env, addr: number) => { fxrstor(env.state, env.mem, addr); return undefined; }),
  ];
}
