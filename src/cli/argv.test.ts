import { describe, expect, test } from 'bun:test';
import { readArgv } from './argv.ts';

/** The occurrences as `[flag, spelled, raw]`, in command-line order, with the errors. */
function read(argv: readonly string[]) {
  const { given, errors } = readArgv(argv);
  const occurrences = [...given].flatMap(([name, list]) => list.map((o) => [name, o.spelled, o.raw]));
  return { occurrences, errors };
}

describe('readArgv', () => {
  test.each<[string, readonly string[], string[][]]>([
    ['--flag value', ['--http-port', '80'], [['--http-port', '--http-port', '80']]],
    ['--flag=value', ['--http-port=80'], [['--http-port', '--http-port', '80']]],
    ['an empty inline value is a value', ['--template='], [['--template', '--template', '']]],
    ['a value may start with a dash', ['--interval', '-1s'], [['--interval', '--interval', '-1s']]],
    ['a value may look like a flag, as in pflag', ['--labels', '--strict-sni'], [['--labels', '--labels', '--strict-sni']]],
    ['a boolean alone is true', ['--strict-sni'], [['--strict-sni', '--strict-sni', 'true']]],
    ['a boolean keeps its inline text for Go parsing', ['--strict-sni=yes'], [['--strict-sni', '--strict-sni', 'yes']]],
    ['-n value', ['-n', 'apps'], [['--namespace', '-n', 'apps']]],
    ['-nvalue', ['-napps'], [['--namespace', '-n', 'apps']]],
    ['-n=value', ['-n=apps'], [['--namespace', '-n', 'apps']]],
    ['a long alias', ['--master=https://a:6443'], [['--server', '--master', 'https://a:6443']]],
    [
      'each occurrence, in order',
      ['--denied-domains=a', '--denied-domains', 'b'],
      [
        ['--denied-domains', '--denied-domains', 'a'],
        ['--denied-domains', '--denied-domains', 'b'],
      ],
    ],
  ])('%s', (_name, argv, occurrences) => {
    expect(read(argv)).toEqual({ occurrences, errors: [] });
  });

  test.each<[string, readonly string[], string[]]>([
    ['an unknown flag', ['--bogus=1'], ['unknown flag --bogus']],
    ['a camelCase spelling', ['--httpPort=1'], ['unknown flag --httpPort']],
    ['a --no- negation', ['--no-strict-sni'], ['unknown flag --no-strict-sni']],
    ['an unknown shorthand', ['-x'], ['unknown flag -x']],
    ['a missing value', ['--http-port'], ['flag needs an argument: --http-port']],
    ['a positional', ['serve'], ['unexpected argument "serve": router takes flags only']],
    ['a boolean does not take the next argument', ['--strict-sni', 'false'], ['unexpected argument "false": router takes flags only']],
    ['nothing after -- is a flag', ['--', '--http-port=1'], ['unexpected argument "--http-port=1": router takes flags only']],
  ])('%s is an error', (_name, argv, errors) => {
    expect(read(argv).errors).toEqual(errors);
  });
});
