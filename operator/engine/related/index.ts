export {
  compileRelated,
  resolveReference,
  RelatedError,
  type CompiledRelated,
  type RelatedSides,
  type Listed,
  type PlannedObject,
} from './plan.js';
