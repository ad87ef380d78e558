/**
 * Routes whose handler reads the request body itself (the OTLP/HTTP receivers: protobuf or
 * JSON, gzip, limits checked while inflating): the JSON parser and the input guard leave their
 * bodies alone. A request is marked by Express's own path matching (`app.use(path)`: the
 * router's rules for letter case and trailing slashes, case-insensitive and non-strict by
 * default), never by comparing path strings: `POST /V1/traces/` is left to the receiver exactly
 * when the router hands it to the receiver. Mount the mark before the body parser.
 */
interface Use {
  use(path: string, handler: (req: object, res: unknown, next: () => void) => void): unknown;
}

const OWN_BODY = Symbol('reads its own body');

/** Marks every request the router matches to `path` (and below it) as one whose handler reads its own body. */
export function ownBodyRoute(app: Use, path: string): void {
  app.use(path, (req, _res, next) => {
    (req as { [OWN_BODY]?: true })[OWN_BODY] = true;
    next();
  });
}

/** Whether the router matched this request to a route that reads its own body. */
export const readsOwnBody = (req: object): boolean => (req as { [OWN_BODY]?: true })[OWN_BODY] === true;
