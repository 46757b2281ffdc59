import { describe, expect, it } from 'vitest';
import { ConfigError, readSettings } from '../src/index.js';

describe("a service's settings, read once from its environment", () => {
  it('has the defaults: the article port, every interface, info', () => {
    expect(readSettings('division', {})).toEqual({ port: 5002, host: '0.0.0.0', logLevel: 'info' });
    expect(readSettings('addition', { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'debug' })).toEqual({ port: 0, host: '127.0.0.1', logLevel: 'debug' });
  });

  it("reads percentage's fault rate for percentage only, and MathFanBoy's loop for MathFanBoy only", () => {
    const env = { PERCENTAGE_FAULT_RATE: 'often', MATHFANBOY_FORMAT: 'yaml' };
    expect(readSettings('multiplication', env)).toEqual({ port: 5003, host: '0.0.0.0', logLevel: 'info' });
    expect(readSettings('percentage', {}).faultRate).toBe(0.5);
    expect(() => readSettings('percentage', env)).toThrow(ConfigError);
    expect(readSettings('mathfanboy', { MATHFANBOY_FORMAT: 'json' }).fanboy).toEqual({ intervalMs: 1000, summaryEvery: 10, format: 'json' });
    expect(() => readSettings('mathfanboy', env)).toThrow(/MATHFANBOY_FORMAT="yaml" is not one of text, json/);
  });

  it("reads percentage's REDIS_URL, where it counts its calls, and refuses anything but redis://host:port", () => {
    expect(readSettings('percentage', {}).redis).toBeUndefined();
    expect(readSettings('percentage', { REDIS_URL: 'redis://redis:6379' }).redis).toEqual({ host: 'redis', port: 6379 });
    expect(readSettings('percentage', { REDIS_URL: 'redis://10.0.0.9' }).redis).toEqual({ host: '10.0.0.9', port: 6379 });
    expect(() => readSettings('percentage', { REDIS_URL: 'http://redis:6379' })).toThrow(/REDIS_URL="http:\/\/redis:6379": expected redis:\/\/host:port/);
    expect(() => readSettings('percentage', { REDIS_URL: 'redis' })).toThrow(ConfigError);
    expect(readSettings('addition', { REDIS_URL: 'redis://redis:6379' }).redis).toBeUndefined();
  });
});
