// The amd64 guest register file: one fixed layout per thread, byte for byte the layout
// of VEX's VexGuestAMD64State (valgrind 3.19, libvex_guest_amd64.h, offsets checked with
// offsetof). Keeping VEX's offsets means `GET:I64(16)` in our IR names the same register
// as in `valgrind --trace-flags` output, so traces can be compared side by side.

export const GUEST_STATE_SIZE = 928;

/** Offsets of the 16 GPRs, in encoding order (rax rcx rdx rbx rsp rbp rsi rdi r8..r15). */
export const OFFSET_GPR = (num: number): number => 16 + 8 * num;
export const OFFSET_RAX = 16;
export const OFFSET_RSP = 48;
/** The System V red zone: the 128 bytes below %rsp that leaf code may use unannounced. */
export const STACK_REDZONE = 128;

/** The lazy-flags thunk: CC_OP says how to compute O S Z A C P from DEP1, DEP2, NDEP. */
export const OFFSET_CC_OP = 144;
export const OFFSET_CC_DEP1 = 152;
export const OFFSET_CC_DEP2 = 160;
export const OFFSET_CC_NDEP = 168;
/** The direction flag, stored as +1 or -1 (the string instructions' step sign). */
export const OFFSET_DFLAG = 176;
export const OFFSET_RIP = 184;
export const OFFSET_ACFLAG = 192;
export const OFFSET_IDFLAG = 200;
/** fs base (TLS); Linux leaves %fs's selector at 0 and sets the base with arch_prctl. */
export const OFFSET_FS_BASE = 208;
/** SSE rounding mode (MXCSR.RC as an IRRoundingMode). */
export const OFFSET_SSEROUND = 216;
/** ymm0..ymm15 at 32 bytes each (xmmN is the low half); ymm16 is scratch for pcmpXstrX. */
export const OFFSET_YMM = (num: number): number => 224 + 32 * num;
/** x87: top-of-stack index, eight registers held as 64-bit doubles, tags, rounding, C3..C0. */
export const OFFSET_FTOP = 768;
export const OFFSET_FPREG = 776;
export const OFFSET_FPTAG = 840;
export const OFFSET_FPROUND = 848;
export const OFFSET_FC3210 = 856;
export const OFFSET_EMNOTE = 864;
/** Range to invalidate for self-modifying code / VALGRIND_DISCARD_TRANSLATIONS. */
export const OFFSET_CMSTART = 872;
export const OFFSET_CMLEN = 880;
/** No-redirect address, for function wrapping (Valgrind's NRADDR). */
export const OFFSET_NRADDR = 888;
export const OFFSET_SC_CLASS = 896;
export const OFFSET_GS_BASE = 904;
/** rip of the last syscall instruction, for restarting interrupted syscalls. */
export const OFFSET_IP_AT_SYSCALL = 912;

/** What must be exact in the guest state where a statement may fault: all of the guest's
 *  registers, as under valgrind --vex-iropt-register-updates=allregs-at-mem-access (not a
 *  tool's shadow of them, which follows the guest state). A signal handler sees the
 *  registers the CPU would show it; and the optimiser becomes invisible wherever a block
 *  may stop, so a block may run unoptimised until it is hot (docs/design.md). */
export const PRECISE_AT_MEMORY_ACCESS = [{ offset: 0, size: GUEST_STATE_SIZE }] as const;
