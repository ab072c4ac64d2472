export * from './tenancy';
export * from './merchants';
export * from './identity';
export * from './catalog';
export * from './orders';
export * from './outbox';
