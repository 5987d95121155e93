export { compileMutations, type Mutator } from './mutator.js';
export {
  MutationError,
  type ResourceMutation,
  type ResourceMutationSpec,
  type ResourceDeleteMutation,
  type ResourceRegexMutation,
  type ResourceTemplateMutation,
  type ResourceCELMutation,
} from './types.js';
