export * from './cap';
export * from './catalogues';
export * from './errors';
export * from './examples';
export * from './language-script';
export * from './parse';
export * from './schema';
