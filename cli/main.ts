/**
 * The `bindy` command line: validate, render, plan, import, and up (the local single-machine stack behind
 * `npm start`). Each command lives in cli/commands/; this file only parses arguments and dispatches.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { IMPORT_HELP, runImport, runImportPowerDns } from './commands/import.js';
import { PACKAGE_ROOT } from './package-root.js';
import { processIo, type CommandResult, type Io } from './commands/types.js';
import { PLAN_HELP, runPlan } from './commands/plan.js';
import { RENDER_HELP, runRender } from './commands/render.js';
import { UP_HELP, runUp } from './commands/up.js';
import { VALIDATE_HELP, runValidate } from './commands/validate.js';
import { describeError, requireFolder, UserError } from './user-errors.js';

export const MAIN_HELP = `Usage: bindy <command> [options]

Commands:
  up [-f DIR]                     run bindy locally: real named on 127.0.0.1:5353 serving DIR (npm start)
  validate -f DIR [-R]            check manifests against the CRD schemas and CEL rules
  render -f DIR [-o OUT]          zone files and named.conf exactly as the hooks produce them
  plan -f DIR --bindcar URL       per-zone diff between DIR and what a bindcar serves (exit 2: changes)
  import ZONEFILE --zone NAME     turn a BIND zone file into DNSZone + record YAML

Run 'bindy <command> --help' for a command's options. Add --output json where a machine reads the result.
--version prints the version; --debug prints the stack trace of an unexpected error.
`;

/** The package version (package.json of this checkout or installed package). */
export function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

const HELP: Record<string, string> = {
  up: UP_HELP,
  validate: VALIDATE_HELP,
  render: RENDER_HELP,
  plan: PLAN_HELP,
  import: IMPORT_HELP,
};

const OPTIONS = {
  file: { type: 'string', short: 'f' },
  out: { type: 'string', short: 'o' },
  output: { type: 'string' },
  zone: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  recursive: { type: 'boolean', short: 'R' },
  'dns-port': { type: 'string' },
  'state-dir': { type: 'string' },
  once: { type: 'boolean' },
  powerdns: { type: 'boolean' },
  'powerdns-dns-port': { type: 'string' },
  'powerdns-api-port': { type: 'string' },
  'cluster-ref': { type: 'string' },
  bindcar: { type: 'string' },
  token: { type: 'string' },
  'powerdns-api': { type: 'string' },
  'powerdns-operator': { type: 'string' },
  'powerdns-server-ref': { type: 'string' },
  'api-key': { type: 'string' },
  'server-id': { type: 'string' },
  'primary-address': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** Runs one CLI invocation; returns the exit code (0 ok, 1 error, 2 "changes" for plan). */
export async function main(argv: readonly string[], io?: Io): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: OPTIONS,
    });
  } catch (err) {
    const help = HELP[command ?? ''] ?? MAIN_HELP;
    return (io ?? processIo(false)).usageError(`bindy ${command ?? ''}: ${(err as Error).message}`, help).code;
  }
  const { values, positionals } = parsed;
  const json = values.output === 'json';
  const sink = io ?? processIo(json);
  if (values.output !== undefined && !json)
    return sink.usageError(`--output: only "json" is supported, got "${values.output}"`, MAIN_HELP).code;
  if (command === '--version' || command === 'version' || (values.version && !HELP[command ?? ''])) {
    sink.out(`bindy ${version()}`);
    return 0;
  }
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    sink.out(MAIN_HELP.trimEnd());
    return command ? 0 : 1;
  }
  const help = HELP[command];
  if (!help) return sink.usageError(`bindy: unknown command "${command}"`, MAIN_HELP).code;
  if (values.help) {
    sink.out(help.trimEnd());
    return 0;
  }
  try {
    return await dispatch(command, values, positionals, json, sink);
  } catch (err) {
    const d = describeError(command, err);
    sink.err(d.message);
    if (values.debug && err instanceof Error && err.stack) sink.err(err.stack);
    return 1;
  }
}

async function dispatch(
  command: string,
  values: Values,
  positionals: readonly string[],
  json: boolean,
  sink: Io,
): Promise<number> {
  if (values.file !== undefined && command !== 'import') requireFolder('-f', values.file);
  const addr = values['primary-address'];
  if (addr !== undefined && isIP(addr) === 0)
    throw new UserError(`--primary-address: "${addr}" is not an IPv4 or IPv6 address`);
  let result: CommandResult;
  switch (command) {
    case 'up': {
      const dnsPort = Number(values['dns-port'] ?? 5353);
      if (!Number.isInteger(dnsPort) || dnsPort < 1 || dnsPort > 65535) {
        return sink.usageError(`--dns-port: must be a port number 1-65535, got "${values['dns-port']}"`, UP_HELP).code;
      }
      const port = (flag: 'powerdns-dns-port' | 'powerdns-api-port', dflt: number): number | undefined => {
        const v = Number(values[flag] ?? dflt);
        return Number.isInteger(v) && v >= 1 && v <= 65535 ? v : undefined;
      };
      const pdnsDns = port('powerdns-dns-port', 5354);
      const pdnsApi = port('powerdns-api-port', 8081);
      for (const [flag, v] of [
        ['powerdns-dns-port', pdnsDns],
        ['powerdns-api-port', pdnsApi],
      ] as const) {
        if (v === undefined)
          return sink.usageError(`--${flag}: must be a port number 1-65535, got "${values[flag]}"`, UP_HELP).code;
        if (values[flag] !== undefined && !values.powerdns)
          return sink.usageError(`--${flag} needs --powerdns`, UP_HELP).code;
      }
      result = await runUp(
        {
          dir: values.file ?? 'examples',
          dnsPort,
          once: Boolean(values.once),
          ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
          ...(values.powerdns ? { powerdns: { dnsPort: pdnsDns!, apiPort: pdnsApi! } } : {}),
        },
        sink,
      );
      break;
    }
    case 'render':
      result = await runRender(
        {
          ...(values.file ? { dir: values.file } : {}),
          ...(values.out ? { out: values.out } : {}),
          ...(values['primary-address'] ? { primaryAddress: values['primary-address'] } : {}),
          json,
          root: PACKAGE_ROOT,
        },
        sink,
      );
      break;
    case 'plan': {
      const token = values.token ?? process.env['BINDCAR_TOKEN'];
      result = await runPlan(
        {
          ...(values.file ? { dir: values.file } : {}),
          ...(values.bindcar ? { bindcar: values.bindcar } : {}),
          ...(token ? { token } : {}),
          ...(values['powerdns-api'] ? { powerdns: values['powerdns-api'] } : {}),
          ...((values['api-key'] ?? process.env['PDNS_API_KEY'])
            ? { apiKey: values['api-key'] ?? process.env['PDNS_API_KEY']! }
            : {}),
          ...(values['server-id'] ? { serverId: values['server-id'] } : {}),
          ...(values['primary-address'] ? { primaryAddress: values['primary-address'] } : {}),
          json,
        },
        sink,
      );
      break;
    }
    case 'validate':
      result = await runValidate(
        { ...(values.file ? { dir: values.file } : {}), recursive: Boolean(values.recursive), json },
        sink,
      );
      break;
    case 'import':
      if (values['powerdns-operator'] || values['powerdns-api']) {
        if (values['powerdns-operator'] && values['powerdns-api'])
          return sink.usageError('import: --powerdns-operator and --powerdns-api exclude each other', IMPORT_HELP).code;
        if (positionals[0])
          return sink.usageError(
            `import: a ZONEFILE (${positionals[0]}) and a PowerDNS source exclude each other`,
            IMPORT_HELP,
          ).code;
        const apiKey = values['api-key'] ?? process.env['PDNS_API_KEY'];
        result = await runImportPowerDns(
          {
            ...(values['powerdns-operator'] ? { operator: values['powerdns-operator'] } : {}),
            ...(values['powerdns-api'] ? { powerdnsApi: values['powerdns-api'] } : {}),
            ...(apiKey ? { apiKey } : {}),
            ...(values['server-id'] ? { serverId: values['server-id'] } : {}),
            ...(values.zone ? { zone: values.zone } : {}),
            ...(values.namespace ? { namespace: values.namespace } : {}),
            ...(values['powerdns-server-ref'] ? { powerDnsServerRef: values['powerdns-server-ref'] } : {}),
            ...(values['cluster-ref'] ? { clusterRef: values['cluster-ref'] } : {}),
            ...(values.out ? { out: values.out } : {}),
            json,
          },
          sink,
        );
        break;
      }
      result = runImport(
        {
          ...(positionals[0] ? { file: positionals[0] } : {}),
          ...(values.zone ? { zone: values.zone } : {}),
          ...(values.namespace ? { namespace: values.namespace } : {}),
          ...(values['cluster-ref'] ? { clusterRef: values['cluster-ref'] } : {}),
          ...(values.out ? { out: values.out } : {}),
          json,
        },
        sink,
      );
      break;
    default:
      return sink.usageError(`bindy: unknown command "${command}"`, MAIN_HELP).code;
  }
  return result.code;
}
