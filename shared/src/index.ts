export * from './catalogue';
export * from './units';
export * from './probe-config';
export * from './results';
export * from './events';
export * from './stats';
