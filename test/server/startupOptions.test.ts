/**
 * Options at start: every numeric option checked for range and integrality, --public-url and
 * --clock-start for syntax, the same way on the command line (exit 2, one line naming the flag
 * or environment variable and the value), in the environment and in startArclight() /
 * createArclight() (an Error with code EINVAL); unknown option keys refused.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import { createArclight, startArclight } from '../../server/arclight';
import { OPTIONS } from '../../server/core/config';
import { failedStart } from '../support/startup';
import { cleanEnv, MAIN } from '../support/executable';

const quiet = { logSink: () => undefined };

/** [flag, value, what the message says the flag takes]. */
const BAD_NUMBERS: Array<[string, string, RegExp]> = [
  ['page-size', '1.5', /expected an integer from 1 to 1000, got 1\.5$/],
  ['page-size', '0', /expected an integer from 1 to 1000, got 0$/],
  ['port', '70000', /expected an integer from 0 to 65535, got 70000$/],
  ['port', '', /expected an integer from 0 to 65535, got ''$/],
  ['port', '-1', /expected an integer from 0 to 65535, got -1$/],
  ['port', '0x10', /expected an integer from 0 to 65535, got '0x10'$/],
  ['certificate-lifetime-days', '0', /expected an integer from 1 to 3650, got 0$/],
  ['body-limit', '0', /expected an integer from 1024 to 1073741824, got 0$/],
  ['lro-delay', '-1', /expected a number from 0 to 86400, got -1$/],
  ['offline-after', '0', /expected an integer from 1 to 31536000, got 0$/],
];

const BAD_PUBLIC_URLS: Array<[string, RegExp]> = [
  ['arclight.example', /not an absolute http or https URL/],
  ['ftp://arclight.example', /not an absolute http or https URL/],
  ['https://arclight.example/prefix', /it has a path/],
  ['https://arclight.example/?a=1', /it has a query or fragment/],
  ['https://user:pw@arclight.example', /user name or password/],
  ['https://', /not a valid URL/],
];

describe('start-up options', () => {
  describe('on the command line and in the environment', () => {
    for (const [flag, value, expected] of BAD_NUMBERS) {
      it(`--${flag} ${JSON.stringify(value)}: exit 2, naming the flag, the value and the range`, () => {
        // --flag=value: a separate value that starts with '-' would read as another flag.
        const failure = failedStart([`--${flag}=${value}`, '--in-memory']);
        assert.equal(failure.status, 2);
        assert.match(failure.message, new RegExp(`^--${flag}: ${expected.source}`));
      });
    }

    it('says how to give a value that starts with a dash', () => {
      const failure = failedStart(['--port', '-1', '--in-memory']);
      assert.equal(failure.status, 2);
      assert.equal(failure.message, "--port needs a value; for one that starts with '-', write --port=<value>");
    });

    it('refuses a value after a flag that takes none, and unknown flags', () => {
      assert.equal(failedStart(['--in-memory=false']).message, '--in-memory takes no value: it is a flag (its environment variable takes true or false)');
      assert.equal(failedStart(['--in-memory', '--nope']).message, 'unknown option --nope (see --help)');
      assert.equal(failedStart(['--in-memory', 'extra']).message, "unexpected argument 'extra'");
    });

    it('checks environment twins the same way, naming the variable', () => {
      const port = failedStart(['--in-memory'], { env: { ARCLIGHT_PORT: '70000' } });
      assert.equal(port.status, 2);
      assert.equal(port.message, 'ARCLIGHT_PORT: expected an integer from 0 to 65535, got 70000');
      const pageSize = failedStart(['--in-memory'], { env: { ARCLIGHT_PAGE_SIZE: '2.5' } });
      assert.equal(pageSize.message, 'ARCLIGHT_PAGE_SIZE: expected an integer from 1 to 1000, got 2.5');
      const url = failedStart(['--in-memory'], { env: { ARCLIGHT_PUBLIC_URL: 'https://a.example/x' } });
      assert.match(url.message, /^ARCLIGHT_PUBLIC_URL: .*got 'https:\/\/a\.example\/x': it has a path/);
    });

    for (const [url, why] of BAD_PUBLIC_URLS) {
      it(`--public-url ${url}: exit 2, saying why`, () => {
        const failure = failedStart(['--public-url', url, '--in-memory']);
        assert.equal(failure.status, 2);
        assert.match(failure.message, /^--public-url: expected an absolute http or https URL with no path, query or fragment/);
        assert.ok(failure.message.includes(`'${url}'`), failure.message);
        assert.match(failure.message, why);
      });
    }

    it('--clock-start must be an ISO 8601 instant that exists', () => {
      for (const value of ['tomorrow', '2030-02-30', '2030-01-01T25:00:00Z', '10000-01-01']) {
        const failure = failedStart(['--clock-start', value, '--in-memory']);
        assert.equal(failure.status, 2);
        assert.ok(failure.message.startsWith(`--clock-start: expected an ISO 8601 instant such as 2030-01-01T00:00:00Z`), failure.message);
        assert.ok(failure.message.includes(`'${value}'`), failure.message);
      }
    });

    it('prints every option\'s range with --help', () => {
      const help = spawnSync(process.execPath, [MAIN, '--help'], { env: cleanEnv(), encoding: 'utf8' });
      assert.equal(help.status, 0);
      for (const line of ['--port <0..65535>', 'an integer from 0 to 65535', '--page-size <1..1000>', '--lro-delay <0..86400>', 'a number from 0 to 86400',
        '--body-limit <1024..1073741824>', '--offline-after <1..31536000>', '--certificate-lifetime-days <1..3650>', '--public-url <url>',
        'an absolute http or https URL with no path, query or fragment', '--clock-start <instant>', '--auth <off|lenient|strict>']) {
        assert.ok(help.stdout.includes(line), line);
      }
      for (const o of OPTIONS) assert.ok(help.stdout.includes(`--${o.flag}`), o.flag);
    });
  });

  describe('in startArclight() and createArclight()', () => {
    const invalid = (pattern: RegExp) => (err: NodeJS.ErrnoException) => {
      assert.ok(err instanceof Error);
      assert.equal(err.code, 'EINVAL');
      assert.match(err.message, pattern);
      return true;
    };

    it('refuses the values the command line refuses, with code EINVAL', async () => {
      await assert.rejects(startArclight({ inMemory: true, port: 70000, ...quiet }), invalid(/^option port: expected an integer from 0 to 65535, got 70000$/));
      await assert.rejects(startArclight({ inMemory: true, port: -1, ...quiet }), invalid(/^option port: /));
      await assert.rejects(createArclight({ inMemory: true, pageSize: 1.5, ...quiet }), invalid(/^option pageSize: expected an integer from 1 to 1000, got 1\.5$/));
      await assert.rejects(createArclight({ inMemory: true, pageSize: 0, ...quiet }), invalid(/^option pageSize: /));
      await assert.rejects(createArclight({ inMemory: true, bodyLimit: 0, ...quiet }), invalid(/^option bodyLimit: /));
      await assert.rejects(createArclight({ inMemory: true, lroDelay: -1, ...quiet }), invalid(/^option lroDelay: /));
      await assert.rejects(createArclight({ inMemory: true, lroDelay: Number.NaN, ...quiet }), invalid(/^option lroDelay: /));
      await assert.rejects(createArclight({ inMemory: true, offlineAfter: 0, ...quiet }), invalid(/^option offlineAfter: /));
      await assert.rejects(createArclight({ inMemory: true, certificateLifetimeDays: 0, ...quiet }), invalid(/^option certificateLifetimeDays: /));
      await assert.rejects(createArclight({ inMemory: true, publicUrl: 'https://a.example/x', ...quiet }), invalid(/^option publicUrl: .*it has a path/));
      await assert.rejects(createArclight({ inMemory: true, clockStart: '2030-02-30', ...quiet }), invalid(/^option clockStart: expected an ISO 8601 instant/));
      await assert.rejects(createArclight({ inMemory: true, cert: '/some/cert.pem', ...quiet }), invalid(/--cert and --key go together/));
    });

    it('checks types and allowed values, which the command line gets by parsing', async () => {
      const loose = (options: Record<string, unknown>) => createArclight({ inMemory: true, ...quiet, ...options });
      await assert.rejects(loose({ port: '8443' }), invalid(/^option port: expected an integer from 0 to 65535, got '8443'$/));
      await assert.rejects(loose({ inMemory: 'yes' }), invalid(/^option inMemory: expected true or false, got 'yes'$/));
      await assert.rejects(loose({ auth: 'maybe' }), invalid(/^option auth: expected one of off, lenient, strict, got 'maybe'$/));
      await assert.rejects(loose({ logLevel: 'loud' }), invalid(/^option logLevel: expected one of error, warn, info, debug/));
      await assert.rejects(loose({ dataDir: '' }), invalid(/^option dataDir: expected a path, got ''$/));
      await assert.rejects(loose({ seed: { tenants: [] } }), invalid(/^option seed: expected a path, got a value of type object$/));
    });

    it('refuses unknown option keys, prototype names included, listing the options', async () => {
      for (const options of [{ prot: 8443 }, JSON.parse('{"__proto__": {"port": 1}}'), { constructor: 1 }, { hasOwnProperty: 1 }]) {
        const key = Object.keys(options)[0];
        await assert.rejects(createArclight({ inMemory: true, ...quiet, ...options }),
          invalid(new RegExp(`^unknown option '${key}' \\(the options are host, port, dataDir, .*, logSink\\)$`)));
      }
      assert.equal(({} as Record<string, unknown>).port, undefined, 'no prototype was changed');
    });

    it('is silent unless asked: logger takes silent, stdout or a function; anything else is refused', async () => {
      const lines: string[] = [];
      const a = await createArclight({ inMemory: true, logLevel: 'debug', logger: (l) => lines.push(l) });
      a.close();
      assert.ok(lines.length > 0, 'the logger function is given the lines');
      const written: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => { written.push(String(chunk)); return true; }) as typeof process.stdout.write;
      try {
        (await createArclight({ inMemory: true, logLevel: 'debug' })).close();
        (await createArclight({ inMemory: true, logLevel: 'debug', logger: 'silent' })).close();
        await new Promise((resolve) => setTimeout(resolve, 50)); // past the stdout sink's batching
      } finally {
        process.stdout.write = write;
      }
      assert.deepEqual(written, [], 'the default and silent write nothing');
      const loose = (options: Record<string, unknown>) => createArclight({ inMemory: true, ...options });
      await assert.rejects(loose({ logger: 'loud' }), invalid(/^option logger: expected 'silent', 'stdout' or a function taking each line, got 'loud'$/));
      await assert.rejects(loose({ logger: 1 }), invalid(/^option logger: expected 'silent', 'stdout' or a function taking each line, got a value of type number$/));
      await assert.rejects(loose({ logger: 'silent', logSink: () => undefined }), invalid(/^option logger and option logSink are the same thing: give one$/));
    });

    it('takes tlsNames as names and IP addresses, refusing anything else', async () => {
      const a = await createArclight({ inMemory: true, tlsNames: ['arclight', '*.arclight.test', '10.0.0.1', 'fd00::1'] });
      assert.deepEqual(a.services.config.tlsNames, ['arclight', '*.arclight.test', '10.0.0.1', 'fd00::1']);
      a.close();
      const loose = (options: Record<string, unknown>) => createArclight({ inMemory: true, ...options });
      await assert.rejects(loose({ tlsNames: 'arclight' }), invalid(/^option tlsNames: expected host names or IP addresses, comma-separated/));
      await assert.rejects(loose({ tlsNames: ['good', 'bad name'] }), invalid(/'bad name' is not a host name or IP address$/));
      await assert.rejects(loose({ tlsNames: ['https://x'] }), invalid(/'https:\/\/x' is not a host name or IP address$/));
    });

    it('takes logSink, and options set to undefined as not given', async () => {
      const lines: string[] = [];
      const a = await createArclight({ inMemory: true, port: undefined, pageSize: undefined, logLevel: 'debug', logSink: (l) => lines.push(l) });
      try {
        assert.equal(a.services.config.port, 8443);
        assert.equal(a.services.config.pageSize, 100);
        assert.ok(lines.length > 0, 'the log sink is used');
      } finally {
        a.close();
      }
    });
  });
});
