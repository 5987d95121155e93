export * from './spec.js';
export * from './mirror.js';
export * from './rate-limit.js';
