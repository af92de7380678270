import {expect} from 'chai'

import {ENV_RATE_LIMIT, rateLimitFromEnv} from '../../../src/lib/config/rate-limit-variable.js'
import {InputError} from '../../../src/lib/errors.js'

describe('DESCOPE_MGMT_RATE_LIMIT', () => {
  it('reads requests per window in seconds, minutes or hours; unset is undefined', () => {
    expect(rateLimitFromEnv({})).to.equal(undefined)
    expect(rateLimitFromEnv({[ENV_RATE_LIMIT]: ' '})).to.equal(undefined)
    expect(rateLimitFromEnv({[ENV_RATE_LIMIT]: '100/60s'})).to.deep.equal({requests: 100, windowSeconds: 60})
    expect(rateLimitFromEnv({[ENV_RATE_LIMIT]: '100 / 1m'})).to.deep.equal({requests: 100, windowSeconds: 60})
    expect(rateLimitFromEnv({[ENV_RATE_LIMIT]: '1000/1h'})).to.deep.equal({requests: 1000, windowSeconds: 3600})
    expect(rateLimitFromEnv({[ENV_RATE_LIMIT]: '20/1'})).to.deep.equal({requests: 20, windowSeconds: 1})
  })

  it('refuses anything else, saying how to write it', () => {
    for (const value of ['100', '0/60s', '100/0s', 'fast', '100/60x', '-1/60s']) {
      expect(() => rateLimitFromEnv({[ENV_RATE_LIMIT]: value}), value).to.throw(InputError, `${ENV_RATE_LIMIT}="${value}" is not a rate limit`)
    }
  })
})
