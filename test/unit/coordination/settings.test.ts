import {expect} from 'chai'
import path from 'node:path'

import {coordinationSchema} from '../../../src/lib/coordination/schema.js'
import {
  DEFAULT_LOCK_TTL_MS, describeCoordination, ENV_REDIS_URL, resolveCoordination,
} from '../../../src/lib/coordination/settings.js'
import {InputError} from '../../../src/lib/errors.js'

describe('coordination settings', () => {
  const cacheDir = path.join('/tmp', 'descope-mgmt-cache')

  it('coordinates the processes of this machine through the cache folder without a Redis URL', () => {
    const settings = resolveCoordination({cacheDir, env: {}})
    expect(settings).to.deep.equal({
      kind: 'local', lockTtlMs: DEFAULT_LOCK_TTL_MS, stateDir: path.join(cacheDir, 'coordination'), url: undefined,
    })
    expect(describeCoordination(settings)).to.equal(`this machine (${path.join(cacheDir, 'coordination')})`)
  })

  it('takes the URL from the configuration, and DESCOPE_MGMT_REDIS_URL over it', () => {
    expect(resolveCoordination({cacheDir, config: {url: 'redis://config:6379'}, env: {}}).url).to.equal('redis://config:6379')
    const settings = resolveCoordination({cacheDir, config: {url: 'redis://config:6379'}, env: {[ENV_REDIS_URL]: ' redis://env:6380 '}})
    expect(settings).to.include({kind: 'redis', url: 'redis://env:6380'})
  })

  it('never shows the password when it describes the Redis or refuses a URL', () => {
    const settings = resolveCoordination({cacheDir, env: {[ENV_REDIS_URL]: 'redis://ci:s3cret@redis.internal:6379'}})
    expect(describeCoordination(settings)).to.equal('Redis at redis://ci:***@redis.internal:6379')
    let error: unknown
    try {
      resolveCoordination({cacheDir, env: {[ENV_REDIS_URL]: 'http://ci:s3cret@redis.internal'}})
    } catch (error_) {
      error = error_
    }

    expect(error).to.be.instanceOf(InputError)
    expect((error as Error).message).to.contain('is not a redis:// URL').and.not.contain('s3cret')
  })

  it('reads the lock TTL as seconds or a duration and refuses one under 5 seconds', () => {
    expect(resolveCoordination({cacheDir, config: {lockTtl: '2m', url: 'redis://r:1'}, env: {}}).lockTtlMs).to.equal(120_000)
    expect(resolveCoordination({cacheDir, config: {lockTtl: 10, url: 'redis://r:1'}, env: {}}).lockTtlMs).to.equal(10_000)
    expect(() => resolveCoordination({cacheDir, config: {lockTtl: '1500ms', url: 'redis://r:1'}, env: {}})).to.throw(InputError, /at least 5 seconds/)
  })

  it('splits the rate budget by coordination.budgetKey only when one is set', () => {
    expect(resolveCoordination({cacheDir, config: {budgetKey: ' egress-b ', url: 'redis://r:1'}, env: {}})).to.include({budgetKey: 'egress-b', kind: 'redis'})
    expect(resolveCoordination({cacheDir, config: {url: 'redis://r:1'}, env: {}})).not.to.have.property('budgetKey')
    expect(coordinationSchema.safeParse({budgetKey: 'egress-a:10.0.0.1', url: 'redis://r:1'}).success).to.equal(true)
    const refused = coordinationSchema.safeParse({budgetKey: 'egress a/1', url: 'redis://r:1'})
    expect(refused.success).to.equal(false)
    expect(refused.error?.issues[0]).to.deep.include({path: ['budgetKey']})
    expect(refused.error?.issues[0].message).to.contain('such as egress-a')
  })
})
