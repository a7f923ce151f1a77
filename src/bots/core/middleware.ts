/** Composition of middleware, and a router that sends each request kind to its own stack. */
import type { BotContext, BotRequest, Middleware, RequestKind } from './types.js';

/** Runs the middlewares in order; each decides whether to call the next one. */
export function compose<C>(...stack: Middleware<C>[]): Middleware<C> {
  return (ctx, next) => {
    let index = -1;
    const run = (i: number): Promise<void> => {
      if (i <= index) return Promise.reject(new Error('next() called twice in one middleware'));
      index = i;
      return i === stack.length ? next() : stack[i](ctx, () => run(i + 1));
    };
    return run(0);
  };
}

export type ContextOf<K extends RequestKind> = BotContext<Extract<BotRequest, { kind: K }>>;

/** One handler per request kind; the type system checks that every kind is covered. */
export type Routes = { [K in RequestKind]: Middleware<ContextOf<K>> };

export function route(routes: Routes): Middleware<BotContext> {
  // The mapped type guarantees routes[ctx.request.kind] takes exactly this request's context.
  return (ctx, next) => (routes[ctx.request.kind] as Middleware<BotContext>)(ctx, next);
}

/** Middleware that ends the chain (a handler). */
export const handler =
  <C>(fn: (ctx: C) => Promise<void>): Middleware<C> =>
  (ctx) =>
    fn(ctx);
