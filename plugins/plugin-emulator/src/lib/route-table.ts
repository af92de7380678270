import {EmulatorError} from './errors.js'

/** Finds routes by method and exact path; used for the API routes and the admin routes alike. */
export class RouteTable<R extends {method: string; path: string}> {
  private readonly byPath = new Map<string, Map<string, R>>()

  constructor(routes: R[]) {
    for (const route of routes) {
      let methods = this.byPath.get(route.path)
      if (!methods) {
        methods = new Map()
        this.byPath.set(route.path, methods)
      }

      if (methods.has(route.method)) throw new Error(`Route ${route.method} ${route.path} is defined twice`)
      methods.set(route.method, route)
    }
  }

  /** The route, or a JSON 404 for an unknown path and a 405 (with `Allow`) for a known path. */
  lookup(method: string, path: string): R {
    const methods = this.byPath.get(path)
    if (!methods) throw new EmulatorError('routeNotFound', `No route ${method} ${path}`)
    const route = methods.get(method)
    if (!route) {
      const allowed = [...methods.keys()].sort().join(', ')
      throw new EmulatorError('methodNotAllowed', `${path} accepts ${allowed}, not ${method}`, {Allow: allowed})
    }

    return route
  }
}
