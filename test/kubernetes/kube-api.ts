/**
 * A small Kubernetes REST client for the tier: HTTPS with the test CA and a bearer token, resource
 * discovery (kind → path), strict server-side dry-runs, and listing everything in a namespace.
 * No client library: node:https and JSON.
 */
import https from "node:https";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [field: string]: unknown;
}

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
  /** `Warning` headers (e.g. Pod Security warnings for workload templates). */
  warnings: string[];
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ResourceInfo {
  /** e.g. /apis/apps/v1 */
  base: string;
  resource: string;
  namespaced: boolean;
  verbs: string[];
  groupVersion: string;
  kind: string;
}

export class KubeApi {
  private resources: Map<string, ResourceInfo> | undefined;

  constructor(
    readonly server: string,
    private readonly token: string,
    private readonly ca: string,
  ) {}

  request<T = unknown>(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeResponse<T>> {
    const url = new URL(path, this.server);
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(payload === undefined ? {} : { "content-type": contentType, "content-length": Buffer.byteLength(payload) }),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // /readyz and /healthz answer plain text
            }
            const w = res.headers.warning;
            const warnings = (Array.isArray(w) ? w : w ? [w] : []).map((x) => x.replace(/^299 - /, "").replace(/^"|"$/g, ""));
            resolve({ status: res.statusCode ?? 0, body: parsed as T, warnings });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Like request(), but throws unless the status is 2xx. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const r = await this.request<T>(method, path, body, contentType);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path}: HTTP ${r.status}: ${describe(r.body)}`);
    return r.body;
  }

  /** Every served resource (preferred and other versions), by "group/version/Kind". Cached; reset() after adding CRDs. */
  async discover(): Promise<Map<string, ResourceInfo>> {
    if (this.resources) return this.resources;
    const map = new Map<string, ResourceInfo>();
    const add = async (base: string, groupVersion: string) => {
      const list = await this.ok<{ resources: ApiResource[] }>("GET", base);
      for (const r of list.resources) {
        if (r.name.includes("/")) continue; // subresources
        map.set(`${groupVersion}/${r.kind}`, { base, resource: r.name, namespaced: r.namespaced, verbs: r.verbs, groupVersion, kind: r.kind });
      }
    };
    await add("/api/v1", "v1");
    const groups = await this.ok<{ groups: { versions: { groupVersion: string }[] }[] }>("GET", "/apis");
    await Promise.all(groups.groups.flatMap((g) => g.versions.map((v) => add(`/apis/${v.groupVersion}`, v.groupVersion))));
    this.resources = map;
    return map;
  }

  reset(): void {
    this.resources = undefined;
  }

  async resourceFor(obj: Pick<KubeObject, "apiVersion" | "kind">): Promise<ResourceInfo> {
    const info = (await this.discover()).get(`${obj.apiVersion}/${obj.kind}`);
    if (!info) throw new Error(`the API server serves no ${obj.apiVersion} ${obj.kind}`);
    return info;
  }

  async collectionPath(obj: Pick<KubeObject, "apiVersion" | "kind">, namespace: string | undefined): Promise<string> {
    const info = await this.resourceFor(obj);
    return info.namespaced ? `${info.base}/namespaces/${namespace ?? "default"}/${info.resource}` : `${info.base}/${info.resource}`;
  }

  /** POST with dryRun=All and fieldValidation=Strict: validated and admitted, never stored. */
  async dryRunCreate(obj: KubeObject, namespace: string): Promise<KubeResponse<{ message?: string; reason?: string }>> {
    const path = await this.collectionPath(obj, obj.metadata.namespace ?? namespace);
    return this.request("POST", `${path}?dryRun=All&fieldValidation=Strict`, obj);
  }

  async create(obj: KubeObject, namespace?: string): Promise<KubeObject> {
    const path = await this.collectionPath(obj, obj.metadata.namespace ?? namespace);
    return this.ok<KubeObject>("POST", `${path}?fieldValidation=Strict`, obj);
  }

  async get<T = KubeObject>(obj: Pick<KubeObject, "apiVersion" | "kind">, name: string, namespace?: string): Promise<T | undefined> {
    const r = await this.request<T>("GET", `${await this.collectionPath(obj, namespace)}/${name}`);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`GET ${obj.kind}/${name}: HTTP ${r.status}: ${describe(r.body)}`);
    return r.body;
  }

  async list<T = KubeObject>(apiVersion: string, kind: string, namespace?: string, query = ""): Promise<T[]> {
    const path = await this.collectionPath({ apiVersion, kind }, namespace);
    return (await this.ok<{ items: T[] }>("GET", `${path}${query}`)).items;
  }

  /** Every object of every listable namespaced kind in `namespace`, as "Kind/name" (events left out). */
  async everythingIn(namespace: string): Promise<string[]> {
    const infos = [...(await this.discover()).values()].filter(
      (i) => i.namespaced && i.verbs.includes("list") && i.kind !== "Event" && !(i.groupVersion === "v1" && i.kind === "Binding"),
    );
    // One version per group and kind (the same objects are served under every version).
    const seen = new Set<string>();
    const unique = infos.filter((i) => {
      const key = `${i.groupVersion.split("/").length > 1 ? i.groupVersion.split("/")[0] : ""}/${i.kind}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const lists = await Promise.all(
      unique.map(async (i) => {
        const r = await this.request<{ items?: KubeObject[] }>("GET", `${i.base}/namespaces/${namespace}/${i.resource}`);
        return r.status === 200 ? (r.body.items ?? []).map((o) => `${i.kind}/${o.metadata.name}`) : [];
      }),
    );
    return lists.flat().sort();
  }
}

export function describe(body: unknown): string {
  if (body && typeof body === "object" && "message" in body) return String((body as { message: unknown }).message);
  return typeof body === "string" ? body.slice(0, 500) : JSON.stringify(body)?.slice(0, 500) ?? "";
}
