export { EventBus, type Replay } from './event-bus.ts';
