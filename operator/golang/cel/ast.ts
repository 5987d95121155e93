/**
 * The child expressions of a CEL expression node, in source order (the target of a call before its
 * arguments), for the walks of the checker and the parser.
 */
// @bufbuild/cel's parsed expressions (protobuf messages), walked structurally as in checker.ts.
type Expr = any;

export function childrenOf(e: Expr): Expr[] {
  const k = e?.exprKind;
  if (!k) return [];
  const kids: Expr[] = [];
  switch (k.case) {
    case 'callExpr':
      if (k.value.target) kids.push(k.value.target);
      kids.push(...(k.value.args ?? []));
      break;
    case 'selectExpr':
      kids.push(k.value.operand);
      break;
    case 'listExpr':
      kids.push(...(k.value.elements ?? []));
      break;
    case 'structExpr':
      for (const en of k.value.entries ?? []) {
        if (en.keyKind?.case === 'mapKey') kids.push(en.keyKind.value);
        kids.push(en.value);
      }
      break;
    case 'comprehensionExpr':
      kids.push(k.value.iterRange, k.value.accuInit, k.value.loopCondition, k.value.loopStep, k.value.result);
      break;
  }
  return kids.filter((kid) => kid !== undefined);
}
