// Helpers for tests and the bench only (`@netwatcher/shared/testing`); nothing in production imports this.
export * from './wait-until';
