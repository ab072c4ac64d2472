export * from './tenancy';
export * from './merchants';
export * from './identity';
export * from './catalog';
