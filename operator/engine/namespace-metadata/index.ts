export * from './keys.js';
export * from './plan.js';
