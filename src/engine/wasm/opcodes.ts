// The WebAssembly instructions the engine emits: name (the text format's), encoding and
// the kind of immediate that follows. One table serves the binary encoder and the text
// printer, so what the block view shows is what was compiled. Only what Node 20 and
// current browsers run: MVP, sign extension, saturating truncation, bulk memory, SIMD,
// tail calls (no multi-memory, no memory64, no threads' atomics needed).

export type Immediate =
  | 'none'
  | 'memarg' // align (log2), offset
  | 'lanememarg' // align, offset, lane index
  | 'lane' // one lane index byte
  | 'shuffle' // 16 lane index bytes
  | 'i32' | 'i64' | 'f32' | 'f64' | 'v128'
  | 'local' | 'global' | 'func' | 'label'
  | 'block' // a block type: empty, or one value type
  | 'brtable'
  | 'indirect' // type index, table index
  | 'selectt' // typed select: one value type
  | 'memory' // memory index (memory.size / grow / fill)
  | 'memcopy'; // two memory indices

export interface OpInfo {
  /** The encoding before the immediates: one byte, or a prefix byte then a LEB128 u32. */
  readonly prefix?: number;
  readonly code: number;
  readonly imm: Immediate;
  /** Natural alignment (log2 of the access size) for memory instructions. */
  readonly natural?: number;
}

const table: Record<string, OpInfo> = {};

function def(names: string, code: number, imm: Immediate = 'none', prefix?: number, natural?: number): void {
  names.split(' ').forEach((name, i) => {
    table[name] = { code: code + i, imm, ...(prefix !== undefined && { prefix }), ...(natural !== undefined && { natural }) };
  });
}

// Control.
def('unreachable nop', 0x00);
def('block loop if', 0x02, 'block');
def('else', 0x05);
def('end', 0x0b);
def('br br_if', 0x0c, 'label');
def('br_table', 0x0e, 'brtable');
def('return', 0x0f);
def('call', 0x10, 'func');
def('call_indirect', 0x11, 'indirect');
def('return_call', 0x12, 'func');
def('return_call_indirect', 0x13, 'indirect');
def('drop select', 0x1a);
def('select_t', 0x1c, 'selectt');
def('local.get local.set local.tee', 0x20, 'local');
def('global.get global.set', 0x23, 'global');

// Memory.
const loads: [string, number][] = [
  ['i32.load', 2], ['i64.load', 3], ['f32.load', 2], ['f64.load', 3],
  ['i32.load8_s', 0], ['i32.load8_u', 0], ['i32.load16_s', 1], ['i32.load16_u', 1],
  ['i64.load8_s', 0], ['i64.load8_u', 0], ['i64.load16_s', 1], ['i64.load16_u', 1], ['i64.load32_s', 2], ['i64.load32_u', 2],
  ['i32.store', 2], ['i64.store', 3], ['f32.store', 2], ['f64.store', 3],
  ['i32.store8', 0], ['i32.store16', 1], ['i64.store8', 0], ['i64.store16', 1], ['i64.store32', 2],
];
loads.forEach(([name, natural], i) => def(name, 0x28 + i, 'memarg', undefined, natural));
def('memory.size memory.grow', 0x3f, 'memory');

// Constants.
def('i32.const', 0x41, 'i32');
def('i64.const', 0x42, 'i64');
def('f32.const', 0x43, 'f32');
def('f64.const', 0x44, 'f64');

// Numeric.
def('i32.eqz i32.eq i32.ne i32.lt_s i32.lt_u i32.gt_s i32.gt_u i32.le_s i32.le_u i32.ge_s i32.ge_u', 0x45);
def('i64.eqz i64.eq i64.ne i64.lt_s i64.lt_u i64.gt_s i64.gt_u i64.le_s i64.le_u i64.ge_s i64.ge_u', 0x50);
def('f32.eq f32.ne f32.lt f32.gt f32.le f32.ge', 0x5b);
def('f64.eq f64.ne f64.lt f64.gt f64.le f64.ge', 0x61);
def('i32.clz i32.ctz i32.popcnt i32.add i32.sub i32.mul i32.div_s i32.div_u i32.rem_s i32.rem_u i32.and i32.or i32.xor i32.shl i32.shr_s i32.shr_u i32.rotl i32.rotr', 0x67);
def('i64.clz i64.ctz i64.popcnt i64.add i64.sub i64.mul i64.div_s i64.div_u i64.rem_s i64.rem_u i64.and i64.or i64.xor i64.shl i64.shr_s i64.shr_u i64.rotl i64.rotr', 0x79);
def('f32.abs f32.neg f32.ceil f32.floor f32.trunc f32.nearest f32.sqrt f32.add f32.sub f32.mul f32.div f32.min f32.max f32.copysign', 0x8b);
def('f64.abs f64.neg f64.ceil f64.floor f64.trunc f64.nearest f64.sqrt f64.add f64.sub f64.mul f64.div f64.min f64.max f64.copysign', 0x99);
def('i32.wrap_i64 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s i32.trunc_f64_u i64.extend_i32_s i64.extend_i32_u '
  + 'i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u f32.convert_i32_s f32.convert_i32_u f32.convert_i64_s '
  + 'f32.convert_i64_u f32.demote_f64 f64.convert_i32_s f64.convert_i32_u f64.convert_i64_s f64.convert_i64_u f64.promote_f32 '
  + 'i32.reinterpret_f32 i64.reinterpret_f64 f32.reinterpret_i32 f64.reinterpret_i64', 0xa7);
def('i32.extend8_s i32.extend16_s i64.extend8_s i64.extend16_s i64.extend32_s', 0xc0);
def('i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u '
  + 'i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u', 0x00, 'none', 0xfc);
def('memory.copy', 0x0a, 'memcopy', 0xfc);
def('memory.fill', 0x0b, 'memory', 0xfc);

// SIMD (0xfd prefix).
const V = 0xfd;
def('v128.load', 0x00, 'memarg', V, 4);
def('v128.load8x8_s v128.load8x8_u v128.load16x4_s v128.load16x4_u v128.load32x2_s v128.load32x2_u', 0x01, 'memarg', V, 3);
def('v128.load8_splat', 0x07, 'memarg', V, 0);
def('v128.load16_splat', 0x08, 'memarg', V, 1);
def('v128.load32_splat', 0x09, 'memarg', V, 2);
def('v128.load64_splat', 0x0a, 'memarg', V, 3);
def('v128.store', 0x0b, 'memarg', V, 4);
def('v128.const', 0x0c, 'v128', V);
def('i8x16.shuffle', 0x0d, 'shuffle', V);
def('i8x16.swizzle i8x16.splat i16x8.splat i32x4.splat i64x2.splat f32x4.splat f64x2.splat', 0x0e, 'none', V);
def('i8x16.extract_lane_s i8x16.extract_lane_u i8x16.replace_lane i16x8.extract_lane_s i16x8.extract_lane_u i16x8.replace_lane '
  + 'i32x4.extract_lane i32x4.replace_lane i64x2.extract_lane i64x2.replace_lane f32x4.extract_lane f32x4.replace_lane '
  + 'f64x2.extract_lane f64x2.replace_lane', 0x15, 'lane', V);
def('i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u', 0x23, 'none', V);
def('i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u', 0x2d, 'none', V);
def('i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u', 0x37, 'none', V);
def('f32x4.eq f32x4.ne f32x4.lt f32x4.gt f32x4.le f32x4.ge', 0x41, 'none', V);
def('f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.le f64x2.ge', 0x47, 'none', V);
def('v128.not v128.and v128.andnot v128.or v128.xor v128.bitselect v128.any_true', 0x4d, 'none', V);
def('v128.load8_lane', 0x54, 'lanememarg', V, 0);
def('v128.load16_lane', 0x55, 'lanememarg', V, 1);
def('v128.load32_lane', 0x56, 'lanememarg', V, 2);
def('v128.load64_lane', 0x57, 'lanememarg', V, 3);
def('v128.store8_lane', 0x58, 'lanememarg', V, 0);
def('v128.store16_lane', 0x59, 'lanememarg', V, 1);
def('v128.store32_lane', 0x5a, 'lanememarg', V, 2);
def('v128.store64_lane', 0x5b, 'lanememarg', V, 3);
def('v128.load32_zero', 0x5c, 'memarg', V, 2);
def('v128.load64_zero', 0x5d, 'memarg', V, 3);
def('f32x4.demote_f64x2_zero f64x2.promote_low_f32x4', 0x5e, 'none', V);
def('i8x16.abs i8x16.neg i8x16.popcnt i8x16.all_true i8x16.bitmask i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u '
  + 'f32x4.ceil f32x4.floor f32x4.trunc f32x4.nearest '
  + 'i8x16.shl i8x16.shr_s i8x16.shr_u i8x16.add i8x16.add_sat_s i8x16.add_sat_u i8x16.sub i8x16.sub_sat_s i8x16.sub_sat_u '
  + 'f64x2.ceil f64x2.floor i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u f64x2.trunc i8x16.avgr_u '
  + 'i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u '
  + 'i16x8.abs i16x8.neg i16x8.q15mulr_sat_s i16x8.all_true i16x8.bitmask i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u '
  + 'i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u '
  + 'i16x8.shl i16x8.shr_s i16x8.shr_u i16x8.add i16x8.add_sat_s i16x8.add_sat_u i16x8.sub i16x8.sub_sat_s i16x8.sub_sat_u '
  + 'f64x2.nearest i16x8.mul i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u', 0x60, 'none', V);
def('i16x8.avgr_u i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u '
  + 'i32x4.abs i32x4.neg', 0x9b, 'none', V);
def('i32x4.all_true i32x4.bitmask', 0xa3, 'none', V);
def('i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u '
  + 'i32x4.shl i32x4.shr_s i32x4.shr_u i32x4.add', 0xa7, 'none', V);
def('i32x4.sub', 0xb1, 'none', V);
def('i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.dot_i16x8_s', 0xb5, 'none', V);
def('i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u '
  + 'i64x2.abs i64x2.neg', 0xbc, 'none', V);
def('i64x2.all_true i64x2.bitmask', 0xc3, 'none', V);
def('i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u '
  + 'i64x2.shl i64x2.shr_s i64x2.shr_u i64x2.add', 0xc7, 'none', V);
def('i64x2.sub', 0xd1, 'none', V);
def('i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s '
  + 'i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u '
  + 'f32x4.abs f32x4.neg', 0xd5, 'none', V);
def('f32x4.sqrt f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.max f32x4.pmin f32x4.pmax '
  + 'f64x2.abs f64x2.neg', 0xe3, 'none', V);
def('f64x2.sqrt f64x2.add f64x2.sub f64x2.mul f64x2.div f64x2.min f64x2.max f64x2.pmin f64x2.pmax '
  + 'i32x4.trunc_sat_f32x4_s i32x4.trunc_sat_f32x4_u f32x4.convert_i32x4_s f32x4.convert_i32x4_u '
  + 'i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero f64x2.convert_low_i32x4_s f64x2.convert_low_i32x4_u', 0xef, 'none', V);

export const OPCODES: Readonly<Record<string, OpInfo>> = table;

export type OpName = keyof typeof table & string;
