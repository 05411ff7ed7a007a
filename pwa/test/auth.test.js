import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cleanCode,
  describeDevice,
  formatCountdown,
  formatPhone,
  isCompleteCode,
  looksLikePhone,
  retryAfter,
  secondsLeft,
} from '../src/auth.js';

describe('formatPhone', () => {
  it('groups the ways people write a mobile number', () => {
    assert.equal(formatPhone('081234567890'), '0812 3456 7890');
    assert.equal(formatPhone('0812-3456-7890'), '0812 3456 7890');
    assert.equal(formatPhone(' 0812 345 67890 '), '0812 3456 7890');
    assert.equal(formatPhone('+6281234567890'), '+62 812 3456 7890');
    assert.equal(formatPhone('6281234567'), '62 812 3456 7');
    assert.equal(formatPhone('08123'), '0812 3');
  });

  it('leaves anything else as typed, trimmed', () => {
    assert.equal(formatPhone(' 021 555 1234 '), '021 555 1234');
    assert.equal(formatPhone('abc'), 'abc');
    assert.equal(formatPhone(''), '');
    assert.equal(formatPhone(null), '');
  });
});

describe('phone and code inputs', () => {
  it('asks the server only about numbers with enough digits', () => {
    assert.equal(looksLikePhone('0812 3456 7890'), true);
    assert.equal(looksLikePhone('0812'), false);
    assert.equal(looksLikePhone(''), false);
  });

  it('keeps the code to six digits', () => {
    assert.equal(cleanCode('123 456'), '123456');
    assert.equal(cleanCode('12a3-4'), '1234');
    assert.equal(cleanCode('12345678'), '123456');
    assert.equal(cleanCode(undefined), '');
    assert.equal(isCompleteCode('123456'), true);
    assert.equal(isCompleteCode('12345'), false);
    assert.equal(isCompleteCode('12345a'), false);
  });
});

describe('resend countdown', () => {
  it('reads as m:ss', () => {
    assert.equal(formatCountdown(60), '1:00');
    assert.equal(formatCountdown(59), '0:59');
    assert.equal(formatCountdown(5), '0:05');
    assert.equal(formatCountdown(300), '5:00');
    assert.equal(formatCountdown(0.2), '0:01');
    assert.equal(formatCountdown(-3), '0:00');
    assert.equal(formatCountdown('junk'), '0:00');
  });

  it('counts whole seconds down to zero', () => {
    assert.equal(secondsLeft(10_000, 0), 10);
    assert.equal(secondsLeft(10_000, 9_001), 1);
    assert.equal(secondsLeft(10_000, 10_000), 0);
    assert.equal(secondsLeft(10_000, 20_000), 0);
    assert.equal(secondsLeft(0, 5), 0);
  });

  it('takes the wait from a 429', () => {
    assert.equal(retryAfter({ details: { retry_after: 42 } }), 42);
    assert.equal(retryAfter({ details: { retry_after: '7' } }), 7);
    assert.equal(retryAfter({ details: {} }), null);
    assert.equal(retryAfter(null), null);
  });
});

describe('describeDevice', () => {
  it('names the browser and the platform', () => {
    const android =
      'Mozilla/5.0 (Linux; Android 13; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36';
    assert.equal(describeDevice(android), 'Chrome · Android');
    const samsung = `${android.replace('Chrome/120.0 ', 'SamsungBrowser/23.0 Chrome/115.0 ')}`;
    assert.equal(describeDevice(samsung), 'Samsung Internet · Android');
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    assert.equal(describeDevice(iphone), 'Safari · iOS');
    const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';
    assert.equal(describeDevice(firefox), 'Firefox · Windows');
    const edge =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0';
    assert.equal(describeDevice(edge), 'Edge · Windows');
  });

  it('says something even for an unknown agent', () => {
    assert.equal(describeDevice(''), 'Browser');
    assert.equal(describeDevice(undefined), 'Browser');
  });
});
