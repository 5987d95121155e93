/**
 * cel-go's type conversions (`int(x)`, `string(x)`, ...) accept at runtime only the argument types
 * its checker let through. For an argument typed `dyn` that is every overload, so the value is
 * converted whatever it is. For an argument of a known type only the overload for that type is kept,
 * and for one whose type is still an open type variable, such as a map lookup `self.spec.m["k"]`
 * (the value type of a map that is `dyn` is left open), the checker binds the variable to the first
 * overload it tries, the identity (`int(int)`). A value of any other type then fails with
 * `no such overload: int(string)` instead of being converted; a select (`self.spec.m.k`) is `dyn`
 * and converts normally.
 *
 * The checker (checker.ts) reports these calls and the argument type they were narrowed to; after
 * checking, their argument `x` is rewritten into `@conversion_arg(x, "int", "int")`, implemented in
 * gofuncs.ts, which passes a value of that type through and rejects every other one. Its name cannot
 * be written in CEL source, so only the rewrite reaches it.
 */
import { childrenOf } from './ast.js';

export const CONVERSION_ARG = '@conversion_arg';

/** The conversions, with the runtime type name of the identity overload cel-go's checker tries first. */
export const NARROWED_CONVERSIONS: Readonly<Record<string, string>> = {
  int: 'int',
  uint: 'uint',
  double: 'double',
  string: 'string',
  bool: 'bool',
  bytes: 'bytes',
  timestamp: 'google.protobuf.Timestamp',
  duration: 'google.protobuf.Duration',
};

/** The runtime type name of a checked type (`timestamp` -> `google.protobuf.Timestamp`). */
export function runtimeNameOfChecked(checked: string): string {
  if (checked === 'timestamp') return 'google.protobuf.Timestamp';
  if (checked === 'duration') return 'google.protobuf.Duration';
  return checked;
}

type Expr = any;

const stringConst = (id: bigint, value: string): Expr => ({
  $typeName: 'cel.expr.Expr',
  id,
  exprKind: {
    case: 'constExpr',
    value: { $typeName: 'cel.expr.Constant', constantKind: { case: 'stringValue', value } },
  },
});

/**
 * Rewrites, in place, the argument of each conversion call whose expression id is a key of `narrowed`
 * (the value: the runtime type name the argument must have) into a `@conversion_arg` check.
 */
export function rewriteNarrowedConversions(e: Expr, narrowed: ReadonlyMap<bigint, string>): void {
  if (!narrowed.size) return;
  const k = e?.exprKind;
  if (!k) return;
  for (const kid of childrenOf(e)) rewriteNarrowedConversions(kid, narrowed);
  const want = k.case === 'callExpr' ? narrowed.get(BigInt(e.id)) : undefined;
  if (want === undefined || k.value.args?.length !== 1) return;
  const fn: string = k.value.function;
  k.value.args = [
    {
      $typeName: 'cel.expr.Expr',
      id: e.id,
      exprKind: {
        case: 'callExpr',
        value: {
          $typeName: 'cel.expr.Expr.Call',
          function: CONVERSION_ARG,
          args: [k.value.args[0], stringConst(e.id, fn), stringConst(e.id, want)],
        },
      },
    },
  ];
}
