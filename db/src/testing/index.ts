export * from './factories';
export * from './template';
export * from './test-database';
