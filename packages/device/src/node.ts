export { FileStore } from './file-store';
export * from './media/node';
