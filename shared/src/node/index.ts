export * from './atomic-file';
export * from './release-signing';
