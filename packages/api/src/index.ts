export * from './lite';
export { authorizationMatrixMarkdown, renderReadme, routeTableMarkdown, workflowMarkdown } from './markdown';
export * from './openapi';
export { PageQuerySchema, pageOf, pageQuery } from './pagination';
export { asProblem, invalidRequest, ProblemFieldErrorSchema, ProblemSchema } from './problem';
export { parseRequest, type RawRequest } from './request';
export * from './routes';
export * from './schemas';
