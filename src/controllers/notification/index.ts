// Public surface of the notification-controller, light on purpose (the registry loads it for every `fluxts install`
// or `check`): the descriptor imports the controller itself (setup.ts) only when it runs.
export { notificationControllerDescriptor } from './controller.ts';
export type { NotificationController, NotificationControllerOptions, SentNotification } from './setup.ts';
