import { describe, expect, it } from 'vitest';
import { choiceFromEnv, ConfigError, numberFromEnv, portFromEnv, requireEnv } from '../src/index.js';

describe('configuration from the environment', () => {
  it('names a missing variable and says what it should hold', () => {
    expect(() => requireEnv('DIVISION_URL', 'the base URL of division', {})).toThrow(new ConfigError('DIVISION_URL is not set: the base URL of division'));
    expect(requireEnv('DIVISION_URL', '', { DIVISION_URL: ' http://d ' })).toBe('http://d');
  });

  it('reads a number within bounds, with a default when unset', () => {
    expect(numberFromEnv('RATE', 0.5, 0, 1, {})).toBe(0.5);
    expect(numberFromEnv('RATE', 0.5, 0, 1, { RATE: '0' })).toBe(0);
    expect(() => numberFromEnv('RATE', 0.5, 0, 1, { RATE: '2' })).toThrow(/RATE="2" is not a number between 0 and 1/);
    expect(() => numberFromEnv('RATE', 0.5, 0, 1, { RATE: 'half' })).toThrow(ConfigError);
  });

  it('reads one of a set of choices, with a default when unset', () => {
    expect(choiceFromEnv('FORMAT', ['text', 'json'], 'text', {})).toBe('text');
    expect(choiceFromEnv('FORMAT', ['text', 'json'], 'text', { FORMAT: 'json' })).toBe('json');
    expect(() => choiceFromEnv('FORMAT', ['text', 'json'], 'text', { FORMAT: 'yaml' })).toThrow(new ConfigError('FORMAT="yaml" is not one of text, json'));
  });

  it('reads PORT as a whole number', () => {
    expect(portFromEnv(5001, {})).toBe(5001);
    expect(portFromEnv(5001, { PORT: '0' })).toBe(0);
    expect(() => portFromEnv(5001, { PORT: '80.5' })).toThrow(ConfigError);
    expect(() => portFromEnv(5001, { PORT: '70000' })).toThrow(ConfigError);
  });
});
