/** Entry point of the workflow bundle: every workflow the worker hosts. */
export { taskWorkflow } from "./task-workflow.js";
