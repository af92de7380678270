import {expect} from 'chai'

import {redactSecret, redactText} from '../../src/lib/redact.js'

describe('redaction', () => {
  const key = 'K2LocalEmulatorManagementKey0001abcd'

  it('shows the first 2 and last 4 characters of a secret', () => {
    expect(redactSecret(key)).to.equal('K2…abcd')
  })

  it('shows nothing of a short secret', () => {
    expect(redactSecret('K2short')).to.equal('…')
    expect(redactSecret('')).to.equal('…')
  })

  it('replaces every occurrence of every secret in a text', () => {
    const other = 'K2AnotherManagementKey00000000wxyz'
    const text = `Bearer P2x:${key} failed; retry with ${other} or ${key}`
    expect(redactText(text, [key, other])).to.equal('Bearer P2x:K2…abcd failed; retry with K2…wxyz or K2…abcd')
  })

  it('replaces a longer secret whole when it contains a shorter one', () => {
    expect(redactText(`a ${key}-suffix b`, [key, `${key}-suffix`])).to.equal('a K2…ffix b')
  })

  it('ignores empty secrets and leaves text without secrets alone', () => {
    expect(redactText('nothing to hide', ['', key])).to.equal('nothing to hide')
    expect(redactText('x', [])).to.equal('x')
  })

  it('handles secrets with characters special in regular expressions', () => {
    expect(redactText('value: K2a.b*c+d?e(f)g[h]0001', ['K2a.b*c+d?e(f)g[h]0001'])).to.equal('value: K2…0001')
  })
})
