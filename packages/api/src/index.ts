export * from './authz';
export { ApiError, type ApiErrorCode } from './errors';
export { authorizationMatrixMarkdown, renderReadme, routeTableMarkdown } from './markdown';
export * from './openapi';
export * from './pagination';
export * from './paths';
export * from './problem';
export * from './routes';
export * from './schemas';
