// Type inference for expressions, from the op table and the block's type environment.
// This trusts its input (it reads the type off the outermost node); sanity.ts is the
// checker that validates every operand.

import { opSignature } from './ops.ts';
import type { IRExpr, IRType } from './types.ts';

export function typeOfIRExpr(tyenv: readonly IRType[], e: IRExpr): IRType {
  switch (e.tag) {
    case 'Const': case 'Get': case 'Load': return e.ty;
    case 'GetI': return e.descr.elemTy;
    case 'RdTmp': {
      const ty = tyenv[e.tmp];
      if (ty === undefined) throw new Error(`typeOfIRExpr: t${e.tmp} is not in the type environment`);
      return ty;
    }
    case 'Unop': case 'Binop': case 'Triop': case 'Qop': return opSignature(e.op).res;
    case 'ITE': return typeOfIRExpr(tyenv, e.iftrue);
    case 'CCall': return e.retTy;
  }
}
