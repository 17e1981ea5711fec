/** Dependency-injection tokens of the infrastructure the core is given. */
export const EVENTSTORE_CLIENT = Symbol('EVENTSTORE_CLIENT');
export const MONGO_DB = Symbol('MONGO_DB');
export const APP_CONFIG = Symbol('APP_CONFIG');
