/**
 * `taskyard apikey create|list|revoke`: manages API keys straight in the database, for
 * bootstrapping a tenant's first admin key (after that, admins can use the ApiKeyService RPCs).
 * `create` prints only the secret on stdout, so `TOKEN=$(taskyard apikey create …)` works;
 * everything else goes to stderr.
 */
import os from "node:os";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { ApiKey } from "../auth/api-key.js";
import { ApiKeyRepository } from "../auth/api-key-repository.js";
import { ApiKeyService } from "../auth/api-key-service.js";
import { TENANT_RE } from "../auth/identity.js";
import { isRole, ROLES } from "../auth/roles.js";
import { DomainError } from "../domain/errors.js";
import { openDatabase } from "./shared.js";

export const APIKEY_USAGE = `Usage:
  taskyard apikey create --tenant <tenant> --role <${ROLES.join("|")}> --name <display name> [--expires <30d|12h|ISO time>]
  taskyard apikey list   --tenant <tenant> [--all]
  taskyard apikey revoke --tenant <tenant> <key id>
`;

export interface ApiKeyArgs {
  positionals: string[];
  tenant?: string;
  role?: string;
  name?: string;
  expires?: string;
  all?: boolean;
}

/** Runs one subcommand; answers the exit code (2 for usage errors). */
export async function runApiKey(config: Config, logger: Logger, args: ApiKeyArgs): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const fail = (message: string): number => {
    process.stderr.write(`taskyard apikey: ${message}\n\n${APIKEY_USAGE}`);
    return 2;
  };
  if (sub !== "create" && sub !== "list" && sub !== "revoke") return fail(sub ? `unknown subcommand "${sub}"` : "a subcommand is required");
  const tenant = args.tenant ?? "";
  if (!TENANT_RE.test(tenant)) return fail("--tenant is required: 1–64 letters, digits, '.', '_' or '-'");

  let expireTime: Date | null = null;
  const role = isRole(args.role) ? args.role : undefined;
  if (sub === "create") {
    if (!role) return fail(`--role must be one of ${ROLES.join(", ")}`);
    if (!args.name?.trim()) return fail("--name is required (who or what uses the key)");
    if (args.expires !== undefined) {
      expireTime = parseExpiry(args.expires);
      if (!expireTime) return fail("--expires must be a duration such as 30d, 12h or 90m, or an ISO 8601 time");
    }
  }
  if (sub === "revoke" && rest.length !== 1) return fail("revoke takes exactly one key id");

  const dataSource = await openDatabase(config.databaseUrl, 1, logger);
  try {
    const service = new ApiKeyService({ keys: new ApiKeyRepository(dataSource.manager) });
    switch (sub) {
      case "create": {
        const { key, token } = await service.create({ tenant, principal: cliPrincipal() }, { displayName: args.name!, role: role!, expireTime });
        process.stderr.write(`Created API key ${key.id} (${describe(key)}).\nThe secret below is shown only now: store it in a secret manager.\n`);
        process.stdout.write(`${token}\n`);
        return 0;
      }
      case "list": {
        const keys: ApiKey[] = [];
        let pageToken = "";
        do {
          const page = await service.list(tenant, { pageSize: 500, pageToken, showRevoked: args.all === true });
          keys.push(...page.keys);
          pageToken = page.nextPageToken;
        } while (pageToken);
        if (keys.length === 0) process.stderr.write(`no ${args.all ? "" : "active "}API keys in tenant "${tenant}"\n`);
        for (const key of keys) process.stdout.write(`${key.id}  ${describe(key)}\n`);
        return 0;
      }
      case "revoke": {
        const key = await service.revoke(tenant, rest[0]!);
        process.stderr.write(`Revoked API key ${key.id} (${describe(key)}).\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof DomainError) {
      process.stderr.write(`taskyard apikey: ${err.message}\n`);
      return 1;
    }
    if ((err as { code?: string }).code === "ER_NO_SUCH_TABLE") {
      process.stderr.write("taskyard apikey: the api_keys table does not exist: run `taskyard migrate` first\n");
      return 1;
    }
    throw err;
  } finally {
    await dataSource.destroy();
  }
}

function describe(key: ApiKey): string {
  const parts = [`role ${key.role}`, `tenant ${key.tenant}`, `name "${key.displayName}"`, `created ${key.createTime.toISOString()} by ${key.createdBy}`];
  if (key.expireTime) parts.push(`expires ${key.expireTime.toISOString()}`);
  if (key.revokeTime) parts.push(`REVOKED ${key.revokeTime.toISOString()}`);
  return parts.join(", ");
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseExpiry(value: string, now = new Date()): Date | null {
  const m = /^(\d{1,6})([mhd])$/.exec(value.trim());
  if (m) return new Date(now.getTime() + Number(m[1]) * UNIT_MS[m[2]!]!);
  const at = new Date(value);
  return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(at.getTime()) ? at : null;
}

function cliPrincipal(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return "cli";
  }
}
