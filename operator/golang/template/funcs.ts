/** Function descriptors: Go functions are typed, and the executor converts/validates arguments like Go's reflect calls. */

/**
 * Parameter types the executor understands:
 *  any     interface{}            value  reflect.Value (receives NO_VALUE for an invalid value)
 *  string  string                 int    int        int64 int64    float64 float64   bool bool
 *  slice   []interface{}          map    map[string]interface{}    strings []string
 */
export type ParamType =
  'any' | 'value' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'slice' | 'map' | 'strings' | 'uint32';

export interface FuncDef {
  params: ParamType[];
  /** element type of a trailing variadic parameter */
  variadic?: ParamType;
  fn: (...args: any[]) => unknown;
  /** builtins and/or short-circuit */
  builtin?: boolean;
}

export type FuncMap = Record<string, FuncDef>;

/** An error returned by a template function (Go: the function's error result or a recovered panic). */
export class FuncError extends Error {}

export function goTypeName(t: ParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'strings':
      return '[]string';
    default:
      return t;
  }
}

export function canBeNil(t: ParamType): boolean {
  return t === 'any' || t === 'value' || t === 'slice' || t === 'map' || t === 'strings';
}

/** Helper to declare a function. */
export function fn(params: ParamType[], f: (...args: any[]) => unknown, variadic?: ParamType): FuncDef {
  return variadic ? { params, fn: f, variadic } : { params, fn: f };
}
