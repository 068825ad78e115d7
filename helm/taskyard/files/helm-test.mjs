// `helm test` for Taskyard (templates/tests/test-api.yaml runs it with `node` in the chart's image).
// Plain Node.js, no dependencies: speaks gRPC over HTTP/2 cleartext to the release's Service and
//   1. calls grpc.health.v1.Health/Check and expects SERVING,
//   2. calls taskyard.v1.TaskService/ListTasks (page_size 1) with the API key in TASKYARD_TOKEN
//      and expects grpc-status 0,
// retrying both until TASKYARD_TEST_TIMEOUT_S runs out (pods may still be starting). Exit 0 on
// success, 1 with the reason otherwise.
import http2 from "node:http2";

const url = process.env.TASKYARD_TEST_URL ?? "http://localhost:8080";
const token = process.env.TASKYARD_TOKEN ?? "";
const deadline = Date.now() + Number(process.env.TASKYARD_TEST_TIMEOUT_S ?? "60") * 1000;

/** A gRPC frame: flag 0 (uncompressed), 4-byte big-endian length, the message. */
function frame(message) {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** One unary gRPC call; resolves to { status, message, body } (grpc-status, grpc-message, first message). */
function call(path, message, headers = {}) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on("error", reject);
    const req = session.request({
      ":method": "POST",
      ":path": path,
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    req.setTimeout(10_000, () => req.close(http2.constants.NGHTTP2_CANCEL));
    const chunks = [];
    let head = {};
    req.on("response", (h) => (head = h));
    req.on("data", (c) => chunks.push(c));
    req.on("trailers", (t) => (head = { ...head, ...t }));
    req.on("error", (err) => {
      session.close();
      reject(err);
    });
    req.on("close", () => {
      session.close();
      const data = Buffer.concat(chunks);
      const status = head["grpc-status"];
      if (status === undefined) {
        reject(new Error(`no grpc-status (HTTP ${head[":status"] ?? "?"}): is ${url} Taskyard's gRPC port?`));
        return;
      }
      resolve({ status: Number(status), message: decodeURIComponent(String(head["grpc-message"] ?? "")), body: data.subarray(5) });
    });
    req.end(frame(message));
  });
}

/** HealthCheckResponse.status is field 1 (varint): SERVING = 1; an empty message means UNKNOWN (0). */
function healthStatus(body) {
  return body.length >= 2 && body[0] === 0x08 ? body[1] : 0;
}

async function check() {
  const health = await call("/grpc.health.v1.Health/Check", Buffer.alloc(0));
  if (health.status !== 0) throw new Error(`Health/Check: grpc-status ${health.status} ${health.message}`);
  const serving = healthStatus(health.body);
  if (serving !== 1) throw new Error(`Health/Check: status ${serving}, not SERVING (1)`);
  console.log(`ok: grpc.health.v1.Health/Check at ${url} is SERVING`);

  // ListTasksRequest { page_size: 1 } = field 1, varint 1.
  const auth = token ? { authorization: `Bearer ${token}` } : {};
  const list = await call("/taskyard.v1.TaskService/ListTasks", Buffer.from([0x08, 0x01]), auth);
  if (list.status !== 0) throw new Error(`TaskService/ListTasks: grpc-status ${list.status} ${list.message}`);
  console.log(`ok: taskyard.v1.TaskService/ListTasks answered (${list.body.length} bytes)${token ? " with the API key" : " without a key (auth off)"}`);
}

for (let attempt = 1; ; attempt++) {
  try {
    await check();
    process.exit(0);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // UNAUTHENTICATED (16) and PERMISSION_DENIED (7) will not fix themselves.
    if (/grpc-status (16|7) /.test(reason) || Date.now() > deadline) {
      console.error(`FAILED after ${attempt} attempt(s): ${reason}`);
      process.exit(1);
    }
    console.error(`attempt ${attempt}: ${reason}; retrying`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
