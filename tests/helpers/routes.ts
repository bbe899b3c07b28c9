import type { Express } from 'express';
import { mountPrefix } from '../../src/http/router.js';
import type { Permission } from '../../src/authz/policy.js';

export interface ListedRoute {
  method: string;
  path: string;
  permission: Permission | undefined;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: { handle: { permission?: Permission } }[] };
  handle: { stack?: Layer[] };
}

function join(prefix: string, path: string) {
  const p = `${prefix.replace(/\/$/, '')}${path}`;
  return p === '' ? '/' : p;
}

/** Every route registered on the app (through module routers), with the permission of its guard. */
export function listRoutes(app: Express): ListedRoute[] {
  const out: ListedRoute[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const first = layer.route.stack[0]?.handle;
        for (const method of Object.keys(layer.route.methods)) {
          out.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path), permission: first?.permission });
        }
      } else if (layer.handle?.stack) {
        const p = mountPrefix(layer.handle);
        if (p === undefined) throw new Error('a router was mounted without mount(): its routes cannot be listed');
        walk(layer.handle.stack, join(prefix, p));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}
