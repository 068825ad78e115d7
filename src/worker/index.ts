/**
 * The TypeScript worker kit (`taskyard/worker`): declare handlers with `defineHandler` in your
 * own package and run them with `taskyard worker --handlers ./dist/handlers.js` or `runWorker`.
 * docs/workers.md is the contract; workers/python is the same kit for Python.
 */
export { defineHandler, TaskError, type HandlerContext, type HandlerResult, type ResumeState, type TaskHandler } from "./handler.js";
export { runWorker, type RunWorkerOptions, type RunningWorker } from "./run.js";
export { loadHandlerModules } from "./load.js";
