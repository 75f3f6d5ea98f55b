export { FileStore } from './file-store';
