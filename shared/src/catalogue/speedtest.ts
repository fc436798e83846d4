import { measurement, NO_METRICS } from './catalogue.types';
import { GenericPayload } from './generic';

export const SPEEDTEST = measurement({
  // Each run moves real traffic; more often than every 5 minutes would measure the test itself.
  rules: {
    interval: { min: 300, max: 86_400, default: 3_600 },
    timeout: { min: 10, max: 600, default: 120 },
    count: null,
    duration: null,
    targets: 'urls',
    server: false,
  },
  // A speed test saturates the link: the controller's queue decides when each one runs.
  dispatch: 'controller',
  result: { payload: GenericPayload, metrics: () => NO_METRICS, alertMetrics: [], chartable: false },
});
