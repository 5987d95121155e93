export {
  compileNaming,
  configProblemEvent,
  configProblemOf,
  InvalidLocalNameError,
  NamingError,
  validateLocalName,
  type NamingOptions,
  DEFAULT_NAME_TEMPLATE,
  DEFAULT_NAMESPACE_TEMPLATE,
  type CompiledNaming,
  type NamingContext,
  type ResourceNaming,
} from './naming.js';
export { renderLegacyPattern, type LegacyNamingInput } from './legacy.js';
