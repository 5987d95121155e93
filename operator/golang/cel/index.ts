export { compileCel, CelCompileError, CelEvalError, type CelProgram, type CelVariables } from './program.js';
export { toCelInput, celResultToJson, CelResultError } from './values.js';
