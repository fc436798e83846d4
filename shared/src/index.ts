export * from './probe-types';
export * from './units';
export * from './payloads';
export * from './probe-config';
export * from './results';
export * from './events';
export * from './stats';
