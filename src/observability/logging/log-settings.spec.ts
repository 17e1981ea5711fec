import { ConfigError, loadConfig } from '../../config/app-config';

describe('log and trace settings', () => {
  it('logs JSON at info, pretty only at a terminal outside production', () => {
    expect(loadConfig({}, { terminal: false })).toMatchObject({ logLevel: 'info', logFormat: 'json' });
    expect(loadConfig({}, { terminal: true }).logFormat).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }, { terminal: true }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' }, { terminal: false })).toMatchObject({
      logLevel: 'debug',
      logFormat: 'pretty',
    });
  });

  it('traces only with an OTLP endpoint, under the service name given', () => {
    expect(loadConfig({})).toMatchObject({ otlpEndpoint: undefined, serviceName: 'meetups-backend' });
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'api-eu' }),
    ).toMatchObject({ otlpEndpoint: 'http://collector:4318', serviceName: 'api-eu' });
  });

  it('refuses unknown levels, formats and endpoints', () => {
    expect(() =>
      loadConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ LOG_LEVEL: 'verbose', LOG_FORMAT: 'xml', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/),
        expect.stringMatching(/^LOG_FORMAT must be one of json, pretty/),
        expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT must start with http:\/\/ or https:\/\//),
      ]);
    }
  });
});
