export * from './harness';
export * from './orders';
export * from './payments';
export * from './eligible-orders';
export * from './served-households';
export * from './menu';
