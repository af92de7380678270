import {
  BrokenCircuitError,
  circuitBreaker,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel'

import {apiErrorDetails, DescopeUnavailableError} from './errors.js'

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  threshold: number
  /** How long the breaker stays open before it lets one request through. */
  halfOpenAfterMs: number
}

export const DEFAULT_BREAKER: Readonly<BreakerOptions> = Object.freeze({halfOpenAfterMs: 30_000, threshold: 5})

/** Only server-side trouble counts: 5xx and network failures (after retries), never 4xx. */
export function countsAsOutage(error: unknown): boolean {
  const details = apiErrorDetails(error)
  if (!details || details.errorCode === 'api_unavailable') return false
  return details.status === undefined ? details.networkCode !== undefined : details.status >= 500
}

/** The circuit breaker shared by every client of one project at one API. */
export class ProjectBreaker {
  readonly options: BreakerOptions
  private openedAt = 0
  private readonly policy: CircuitBreakerPolicy

  constructor(
    readonly baseUrl: string,
    options: BreakerOptions,
  ) {
    this.options = options
    this.policy = circuitBreaker(handleWhen(countsAsOutage), {
      breaker: new ConsecutiveBreaker(options.threshold),
      halfOpenAfter: options.halfOpenAfterMs,
    })
    this.policy.onBreak(() => {
      this.openedAt = Date.now()
    })
  }

  get state(): 'closed' | 'half-open' | 'open' {
    switch (this.policy.state) {
    case CircuitState.HalfOpen: {
      return 'half-open'
    }

    case CircuitState.Closed: {
      return 'closed'
    }

    default: {
      return 'open'
    }
    }
  }

  /** Runs `fn` unless the breaker is open; then fails at once with a DescopeUnavailableError. */
  async execute<T>(request: {method: string; path: string}, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(fn)
    } catch (error) {
      if (error instanceof BrokenCircuitError || isBrokenCircuitError(error)) {
        const retryIn = this.openedAt + this.options.halfOpenAfterMs - Date.now()
        throw new DescopeUnavailableError(this.baseUrl, this.options.threshold, request, retryIn)
      }

      throw error
    }
  }
}

const breakers = new Map<string, ProjectBreaker>()

/** The process-wide breaker for `key` (see `projectKey`); the first caller's options win. */
export function getCircuitBreaker(key: string, baseUrl: string, options: BreakerOptions = DEFAULT_BREAKER): ProjectBreaker {
  let breaker = breakers.get(key)
  if (!breaker) {
    breaker = new ProjectBreaker(baseUrl, options)
    breakers.set(key, breaker)
  }

  return breaker
}

/** Forgets every breaker (tests). */
export function resetCircuitBreakers(): void {
  breakers.clear()
}
