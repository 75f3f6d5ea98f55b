import type { RouteInput, RouteOutput } from '@nguon/api';
import type { OperationId, ROUTE_INDEX } from '@nguon/api/lite';
import type { CallArgs, CallOptions, ListItem, ListOperationId } from './client';

// Namespaces are derived from the contract: the route's first tag (the bulletin `workflow` steps join
// `bulletins`), and the method is the operationId without the resource noun: `createBulletin` →
// `bulletins.create`, `getPlanProgress` → `plans.getProgress`, `importCap` → `cap.import`.

type TagOf<Op extends OperationId> = (typeof ROUTE_INDEX)[Op]['tags'][0];
type NamespaceOfTag<T> = T extends 'workflow' ? 'bulletins' : T;

/**
 * The namespace of an operation on a client: `bulletins`, `devices`, `plans`…
 *
 * @example
 * ```ts
 * type N = NamespaceOf<'approveBulletin'>; // 'bulletins'
 * ```
 */
export type NamespaceOf<Op extends OperationId> = NamespaceOfTag<TagOf<Op>> & string;

type Singular<N extends string> = N extends `${infer S}s` ? S : N;

/**
 * The method name of an operation in its namespace.
 *
 * @example
 * ```ts
 * type M = MethodOf<'getBulletinDelivery'>; // 'getDelivery'
 * ```
 */
export type MethodOf<Op extends OperationId> = Op extends `${infer A}${Capitalize<NamespaceOf<Op>>}${infer B}`
  ? Uncapitalize<`${A}${B}`>
  : Op extends `${infer A}${Capitalize<Singular<NamespaceOf<Op>>>}${infer B}`
    ? Uncapitalize<`${A}${B}`>
    : Op;

type In<Op extends OperationId> = RouteInput<Op>;
type ParamsArg<Op extends OperationId> = In<Op> extends { params: infer X } ? [params: X] : [];
type FileBody = Blob | ArrayBuffer | Uint8Array;
// A file body may also be a stream (sent with `duplex: 'half'`), which the contract's type leaves out.
type WithStream<X> = [X] extends [FileBody]
  ? [FileBody] extends [X]
    ? X | ReadableStream<Uint8Array>
    : X
  : X;
type BodyArg<Op extends OperationId> =
  In<Op> extends { body: infer X } ? (object extends X ? [body?: X] : [body: WithStream<X>]) : [];
type QueryArg<Op extends OperationId> = 'query' extends keyof In<Op>
  ? object extends Pick<In<Op>, 'query'>
    ? [query?: In<Op>['query']]
    : [query: In<Op>['query']]
  : [];

/**
 * The positional arguments of a namespaced method: path parameters, body, query (each when the
 * route has one), then the call options.
 *
 * @example
 * ```ts
 * const args: PositionalArgs<'approveBulletin'> = [{ id: '01J…' }, { note: 'Đồng ý' }];
 * ```
 */
export type PositionalArgs<Op extends OperationId> = [
  ...ParamsArg<Op>,
  ...BodyArg<Op>,
  ...QueryArg<Op>,
  options?: CallOptions,
];

type Namespace<N extends string> = {
  [Op in OperationId as NamespaceOf<Op> extends N ? MethodOf<Op> : never]: (
    ...args: PositionalArgs<Op>
  ) => Promise<RouteOutput<Op>>;
} & {
  [Op in ListOperationId as NamespaceOf<Op> extends N ? 'iterate' : never]: (
    ...args: PositionalArgs<Op>
  ) => AsyncGenerator<ListItem<Op>>;
} & {
  [Op in ListOperationId as NamespaceOf<Op> extends N ? 'pages' : never]: (
    ...args: PositionalArgs<Op>
  ) => AsyncGenerator<RouteOutput<Op>>;
};

/**
 * The generated methods of a client: one per operationId taking `{params, query, body}`, and the
 * namespaces with positional arguments.
 *
 * @example
 * ```ts
 * const m: ClientMethods['bulletins']['publish'] = client.bulletins.publish;
 * ```
 */
export type ClientMethods = {
  [Op in OperationId]: (...args: CallArgs<Op>) => Promise<RouteOutput<Op>>;
} & { [N in NamespaceOf<OperationId>]: Namespace<N> };

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The namespace and method name of an operation, given its first tag (run-time twin of
 * {@link NamespaceOf} and {@link MethodOf}).
 *
 * @example
 * ```ts
 * namespaceOf('submitBulletin', 'workflow'); // { namespace: 'bulletins', method: 'submit' }
 * ```
 */
export function namespaceOf(operationId: string, tag: string): { namespace: string; method: string } {
  const namespace = tag === 'workflow' ? 'bulletins' : tag;
  for (const noun of [namespace, namespace.endsWith('s') ? namespace.slice(0, -1) : namespace]) {
    const at = operationId.indexOf(capitalize(noun));
    if (at !== -1) {
      const rest = operationId.slice(0, at) + operationId.slice(at + noun.length);
      return { namespace, method: rest.charAt(0).toLowerCase() + rest.slice(1) };
    }
  }
  return { namespace, method: operationId };
}
