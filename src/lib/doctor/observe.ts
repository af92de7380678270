/**
 * Runs one read and keeps what the doctor needs besides its body: the HTTP answer (status,
 * timing, `Date` header) that the client reports through `onResponse`, and the error if any.
 */
import type {ResponseInfo} from '../api/types.js'

import {apiErrorDetails} from '../api/errors.js'
import {withRequestEvents} from '../api/request-context.js'
import {type DescopeApiErrorDetails} from '../errors.js'

export interface Observation<T> {
  body?: T
  error?: unknown
  /** The last HTTP answer of the read; absent when none arrived (network failure, breaker open). */
  response?: ResponseInfo
}

export async function observe<T>(read: () => Promise<T>): Promise<Observation<T>> {
  let response: ResponseInfo | undefined
  const events = {
    onResponse(info: ResponseInfo) {
      response = info
    },
  }
  try {
    const body = await withRequestEvents(events, read)
    return {body, response}
  } catch (error) {
    return {error, response}
  }
}

/** The details of a failed read when it was a Descope API error. */
export function failureDetails(observation: Observation<unknown>): DescopeApiErrorDetails | undefined {
  return observation.error === undefined ? undefined : apiErrorDetails(observation.error)
}

/** The message of a failed read, on one line. */
export function failureMessage(observation: Observation<unknown>): string {
  const {error} = observation
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0].replace(/\.$/, '')
}
