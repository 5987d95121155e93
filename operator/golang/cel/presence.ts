/**
 * cel-go's `has(x.f)`: key presence on a map (also for keys holding null), an error on a list
 * (`unsupported index type 'string' in list`), false on any other value. @bufbuild/cel answers false
 * on a list, so after type checking every presence test is rewritten into a call of `HAS_FIELD`,
 * implemented in gofuncs.ts. Its name cannot be written in CEL source, so only the rewrite reaches it.
 */

export const HAS_FIELD = '@has_field';

type Expr = any;

/** Rewrites, in place, every `has(x.f)` of a parsed expression into `@has_field(x, "f")`. */
export function rewritePresenceTests(e: Expr): void {
  const k = e?.exprKind;
  if (!k) return;
  switch (k.case) {
    case 'selectExpr': {
      rewritePresenceTests(k.value.operand);
      if (!k.value.testOnly) return;
      const field = {
        $typeName: 'cel.expr.Expr',
        id: e.id,
        exprKind: {
          case: 'constExpr',
          value: {
            $typeName: 'cel.expr.Constant',
            constantKind: { case: 'stringValue', value: k.value.field },
          },
        },
      };
      e.exprKind = {
        case: 'callExpr',
        value: { $typeName: 'cel.expr.Expr.Call', function: HAS_FIELD, args: [k.value.operand, field] },
      };
      return;
    }
    case 'callExpr':
      rewritePresenceTests(k.value.target);
      for (const a of k.value.args ?? []) rewritePresenceTests(a);
      return;
    case 'listExpr':
      for (const x of k.value.elements ?? []) rewritePresenceTests(x);
      return;
    case 'structExpr':
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') rewritePresenceTests(en.keyKind.value);
        rewritePresenceTests(en.value);
      }
      return;
    case 'comprehensionExpr':
      for (const x of [
        k.value.iterRange,
        k.value.accuInit,
        k.value.loopCondition,
        k.value.loopStep,
        k.value.result,
      ])
        rewritePresenceTests(x);
      return;
  }
}
