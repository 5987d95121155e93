/** PublishedResource (syncagent.kcp.io/v1alpha1): wire types, identity constants and validation. */
export * from './types.js';
export * from './validate.js';
