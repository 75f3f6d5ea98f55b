export { FileStore } from './file-store';
export * from './media/node';
export { createNodeDevice } from './node-device';
