/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), wired the same
 * way in every process, so one trace runs from a workflow's start to its handler:
 * - the client's: a StartWorkflow span, its context sent in the workflow's headers;
 * - the workflow sandbox's, bundled with the workflow code: RunWorkflow and StartActivity spans,
 *   the context sent on in each activity's headers; the sandbox hands its spans out through the
 *   `exporter` sink;
 * - activities': a RunActivity span continuing the context from the headers.
 * They speak to the global OpenTelemetry API: in a process that has not started tracing they make
 * no-op spans and the sink drops what the sandbox hands it.
 */
import { createRequire } from "node:module";
import type { ClientInterceptors } from "@temporalio/client";
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
} from "@temporalio/interceptors-opentelemetry";
import type { InjectedSinks, WorkerInterceptors } from "@temporalio/worker";
import { activeTracing, type Tracing } from "../tracing.js";

/**
 * Bundled into the workflow code (bundleWorkflowCode's workflowInterceptorModules): a worker
 * given a pre-built bundle ignores interceptor modules passed to Worker.create.
 */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [
  createRequire(import.meta.url).resolve("@temporalio/interceptors-opentelemetry/lib/workflow-interceptors"),
];

export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

export function tracingWorkerInterceptors(): Pick<WorkerInterceptors, "activity"> {
  return {
    activity: [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) })],
  };
}

/** The sink the bundled interceptors export workflow spans to: into the process's span processor, if tracing runs. */
export function tracingWorkflowSinks(): InjectedSinks<OpenTelemetrySinks> {
  let exporterOf: { tracing: Tracing; sink: ReturnType<typeof makeWorkflowExporter> } | undefined;
  return {
    exporter: {
      export: {
        fn(info, spans) {
          const tracing = activeTracing();
          if (!tracing) return;
          if (exporterOf?.tracing !== tracing) exporterOf = { tracing, sink: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
          exporterOf.sink.export.fn(info, spans);
        },
        // Spans of a replayed history were exported when it first ran.
        callDuringReplay: false,
      },
    },
  };
}
