import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8080,
      dataDir: './.data',
      publicUrl: 'http://localhost:8080',
      accessTokenTtl: 900,
      refreshTokenTtl: 604800,
      refreshReuseGrace: 10,
      passwordResetTtl: 3600,
      loginMaxFailures: 10,
      loginWindow: 900,
      storageDriver: 'local',
      maxUploadBytes: 100 * 1024 * 1024,
      requestTimeout: 3600,
      cookieSecure: false,
      adminEmail: 'admin@example.com',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads durations as seconds or 15m / 7d strings, and lists of origins', () => {
    const config = loadConfig({ ACCESS_TOKEN_TTL: '90', REFRESH_TOKEN_TTL: '2d', LOGIN_WINDOW: '1h', CORS_ORIGINS: 'https://app.example.com/, http://localhost:5173', COOKIE_SECURE: 'true' });
    expect(config.accessTokenTtl).toBe(90);
    expect(config.refreshTokenTtl).toBe(172800);
    expect(config.loginWindow).toBe(3600);
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(config.cookieSecure).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ACCESS_TOKEN_TTL', '15 minutes'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['REFRESH_TOKEN_TTL', '400d'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['PUBLIC_URL', 'not a url'],
    ['AUTH_SECRET', 'short'],
    ['LOGIN_MAX_FAILURES', '-1'],
    ['STORAGE_DRIVER', 's3'],
    ['CORS_ORIGINS', 'ftp://files.example.com'],
    ['COOKIE_SECURE', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['ADMIN_EMAIL', 'nobody'],
    ['ADMIN_PASSWORD', 'short'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration:\\n\\s+${name}: `));
  });
});

describe('upload filenames', () => {
  it('lose any path and control characters, and are never empty', async () => {
    const { cleanFilename } = await import('../src/http/uploads.js');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
    expect(cleanFilename('a\r\nb\u0000c\u007f.txt')).toBe('abc.txt');
    expect(cleanFilename('..')).toBe('file');
    expect(cleanFilename('')).toBe('file');
    expect(cleanFilename(undefined)).toBe('file');
    expect(cleanFilename('x'.repeat(300))).toHaveLength(255);
    expect(cleanFilename('résumé "final".html')).toBe('résumé "final".html');
  });
});
