// Azure Event Hubs speaks AMQP 1.0 only; fluxts has no AMQP client yet, so such a Provider fails with a clear
// message on every event instead of dropping events silently.
import { ProviderConfigError, type NotifierFactory } from './types.ts';

export const azureEventHub: NotifierFactory = () => {
  throw new ProviderConfigError(
    'provider type azureeventhub is not implemented by fluxts yet (Event Hubs needs an AMQP 1.0 client)',
  );
};
