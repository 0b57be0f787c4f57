// The IR: the public surface of src/engine/ir. See docs/ir.md.
export type {
  AbiHint, Binop, CAS, CCall, Const, Dirty, Exit, GSPtr, Get, GetI, IMark, IRAtom, IRCallee, IRDirtyArg,
  IREffect, IREndness, IRExpr, IRGuestEffect, IRJumpKind, IRMemEffect, IRRegArray, IRSB, IRStmt, IRTemp,
  IRType, ITE, Load, MBE, NoOp, Put, PutI, Qop, RdTmp, Store, Triop, Unop, VecRet, WrTmp,
} from './types.ts';
export { GUEST_WORD, IR_TYPES, TYPE_BITS, constBits, irTemp, isIntegerType, sizeofIRType } from './types.ts';
export {
  ALL_OPS, OP_SIGNATURES, isIROp, opMayTrap, opSignature,
  type BinaryOp, type IROp, type OpSignature, type QuaternaryOp, type TernaryOp, type UnaryOp,
} from './ops.ts';
export { typeOfIRExpr } from './typing.ts';
export { evaluateOp, hasEvaluator } from './evaluate.ts';
export {
  IRSBBuilder, binop, c1, c16, c32, c64, c8, ccall, constant, f32, f64, get, getI, ite, load, qop, rdTmp,
  triop, unop, v128, type CasArgs, type DirtyCall,
} from './builder.ts';
export { EFFECT_TEXT, JUMP_KIND_TEXT, ppIRCallee, ppIRConst, ppIRExpr, ppIRSB, ppIRStmt, ppIRTemp } from './print.ts';
export { IRParseError, parseIRSB } from './parse.ts';
export { IRSanityError, assertSaneIRSB, checkIRSB, formatProblem, type IRProblem, type IRSanityOptions } from './sanity.ts';
export {
  children, exprMayFault, exprUses, isAtom, mapExpr, mapStmtExprs, someNode, stmtExprs,
} from './walk.ts';
export { optimise, type OptimiseOptions } from './opt/index.ts';
export { foldConstants, foldExpr } from './opt/fold.ts';
export { forwardGuestState, type ForwardOptions, type GuestRange } from './opt/forward.ts';
export { propagateCopies } from './opt/copyprop.ts';
export { removeDeadCode } from './opt/dce.ts';
export { irTypeOf, parseHelperSignature, type HelperArgType, type HelperSignature } from './helpers.ts';
