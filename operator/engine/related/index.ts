export {
  compileRelated,
  RelatedError,
  type CompiledRelated,
  type RelatedSides,
  type Listed,
  type PlannedObject,
} from './plan.js';
