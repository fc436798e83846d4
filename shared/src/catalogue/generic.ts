import { z } from 'zod';

/** Later probe types keep a bounded free-form payload until their own schemas land. */
export const GenericPayload = z.record(z.unknown());
