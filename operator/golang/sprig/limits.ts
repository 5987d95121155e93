/** Bounds for sprig functions that allocate proportionally to an argument (repeat, until, seq, indent...). */
import { FuncError } from '../template/funcs.js';

/** The largest string (bytes) a single function call may build. */
export const MAX_ALLOCATION = 1 << 24;
/** The largest list (elements) a single function call may build. */
export const MAX_LIST = 1 << 20;

export function checkCount(n: number, fnName: string): void {
  if (n > MAX_ALLOCATION)
    throw new FuncError(`${fnName}: result of ${n} elements/bytes exceeds the limit of ${MAX_ALLOCATION}`);
}

export function checkListLength(n: number, fnName: string): void {
  if (n > MAX_LIST)
    throw new FuncError(`${fnName}: result of ${n} elements exceeds the limit of ${MAX_LIST}`);
}
