export * from './client';
export * from './provision';
export * from './schema/index';
export * from './prepared';
