export {
  type CallArgs,
  type CallOptions,
  type Client,
  type ClientOptions,
  createClient,
  type ListItem,
  type ListOperationId,
  type ResponseValidator,
  SDK_VERSION,
} from './client';
export { ProblemError, SdkError, type SdkErrorCode } from './errors';
export {
  type ClientMethods,
  type MethodOf,
  type NamespaceOf,
  namespaceOf,
  type PositionalArgs,
} from './namespaces';
export { parseRetryAfter, readProblem } from './problem';
