import { measurement, NO_METRICS } from './catalogue.types';
import { GenericPayload } from './generic';

export const TRAFFICSIM = measurement({
  rules: {
    interval: { min: 60, max: 86_400, default: 300 },
    timeout: { min: 1, max: 300, default: 5 },
    count: null,
    duration: { min: 1, max: 3_600, default: 60 },
    targets: 'trafficsim',
    server: true,
  },
  result: { payload: GenericPayload, metrics: () => NO_METRICS, alertMetrics: [], chartable: false },
});
