export * from './probe-types';
