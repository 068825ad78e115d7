/**
 * The global options every client command takes, and the client they make. Defaults come from
 * the config (TASKYARD_ADDRESS, TASKYARD_TOKEN; config.ts reads the environment), flags win.
 */
import { readFileSync } from "node:fs";
import { Option, type Command } from "commander";
import type { ClientConfig } from "../../config-client.js";
import { createTaskyardClient, type NodeTaskyardClient, type TlsOptions } from "../../client/index.js";

export interface GlobalOptions {
  address?: string;
  token?: string;
  protocol?: "grpc" | "connect";
  tls?: boolean;
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
  json?: boolean;
}

export function addGlobalOptions(program: Command): Command {
  return program
    .option("--address <url>", "Taskyard API, e.g. https://taskyard.example.com (default: TASKYARD_ADDRESS, else http://localhost:8080)")
    .option("--token <token>", "API key or JWT sent as a Bearer credential (default: TASKYARD_TOKEN)")
    .addOption(new Option("--protocol <protocol>", "gRPC over HTTP/2, or Connect over HTTP/1.1 (through proxies without HTTP/2)").choices(["grpc", "connect"]).default("grpc"))
    .option("--tls", "use TLS (implied by an https:// address)")
    .option("--ca-cert <file>", "PEM file of the CA that signed the server's certificate")
    .option("--client-cert <file>", "PEM client certificate, for mutual TLS (with --client-key)")
    .option("--client-key <file>", "PEM key of --client-cert")
    .option("--server-name <name>", "name to check the server's certificate against (SNI), when it differs from the address")
    .option("--insecure-skip-verify", "accept any server certificate (testing only)")
    .option("--json", "print protobuf JSON (the API's JSON mapping) instead of tables");
}

export interface Session {
  client: NodeTaskyardClient;
  address: string;
  json: boolean;
}

/** The address with TLS applied: `--tls` turns http:// into https://. */
export function resolveAddress(opts: GlobalOptions, config: ClientConfig): string {
  const address = (opts.address ?? config.address).replace(/\/+$/, "");
  const url = /^[a-z]+:\/\//i.test(address) ? address : `http://${address}`;
  return opts.tls || opts.caCert || opts.clientCert || opts.insecureSkipVerify ? url.replace(/^http:/i, "https:") : url;
}

export function openSession(cmd: Command, config: ClientConfig): Session {
  const opts = cmd.optsWithGlobals<GlobalOptions>();
  if (Boolean(opts.clientCert) !== Boolean(opts.clientKey)) cmd.error("taskyard: --client-cert and --client-key go together", { exitCode: 2 });
  const address = resolveAddress(opts, config);
  const read = (flag: string, file: string | undefined) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      return cmd.error(`taskyard: ${flag}: cannot read ${file}: ${(err as Error).message}`, { exitCode: 2 });
    }
  };
  const tls: TlsOptions | undefined = address.startsWith("https:")
    ? { ca: read("--ca-cert", opts.caCert), cert: read("--client-cert", opts.clientCert), key: read("--client-key", opts.clientKey), serverName: opts.serverName, insecureSkipVerify: opts.insecureSkipVerify }
    : undefined;
  const token = opts.token ?? config.token;
  return { client: createTaskyardClient({ baseUrl: address, token, protocol: opts.protocol, tls }), address, json: Boolean(opts.json) };
}
