export * from './harness';
export * from './orders';
