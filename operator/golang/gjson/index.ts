export { type JNode, parseJson, validJson, fromJs, toJs, rawOf, JsonSyntaxError } from './node.js';
export { Result, type ResultType, formatFloatF } from './result.js';
export { getPath, resultIndexes } from './get.js';
export { setPath, setRawPath, deletePath, isTextEdited, SjsonError } from './set.js';
