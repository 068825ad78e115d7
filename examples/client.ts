import { createTaskyardClient, TaskStatus } from "taskyard/client";

const taskyard = createTaskyardClient({ baseUrl: process.env.TASKYARD_URL ?? "http://localhost:8080", token: process.env.TASKYARD_TOKEN });
const task = await taskyard.tasks.createTask({ task: { type: "demo.sleep", params: { steps: 5, step_ms: 400 } } });
console.log(`created ${task.id}`);
for await (const t of taskyard.watch(task.id)) {
  console.log(`${TaskStatus[t.status]} ${t.progress?.current ?? 0}/${t.progress?.total ?? 0} ${t.progress?.message ?? ""}`);
}
const done = await taskyard.waitFor(task.id, { timeoutMs: 60_000 });
console.log(`finished ${TaskStatus[done.status]}`, done.result);
