export {
  compileRelated,
  resolveReference,
  relatedObjectContext,
  relatedObjectLabelContext,
  relatedObjectLabelRewriteContext,
  RelatedError,
  type CompiledRelated,
  type RelatedSides,
  type Listed,
  type PlannedObject,
} from './plan.js';
