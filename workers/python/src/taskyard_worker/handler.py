"""`@handler`: declares a task type served by an async function."""

from __future__ import annotations

import functools
import inspect
import re
from typing import Any, Awaitable, Callable

from pydantic import BaseModel, ValidationError

from .durations import format_duration
from .results import TaskError

TYPE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,127}$")

_RETRY_KEYS = {
    "max_attempts": "maxAttempts",
    "initial_backoff_s": "initialBackoff",
    "max_backoff_s": "maxBackoff",
    "backoff_multiplier": "backoffMultiplier",
}
_TIMEOUT_KEYS = {"start_to_close_s": "startToClose", "heartbeat_s": "heartbeat"}


def _schema_of(spec: Any, what: str) -> dict[str, Any] | None:
    if spec is None:
        return None
    if inspect.isclass(spec) and issubclass(spec, BaseModel):
        return spec.model_json_schema()
    if isinstance(spec, dict):
        return dict(spec)
    raise TypeError(f"{what} must be a pydantic model class, a JSON Schema dict or None, got {spec!r}")


def _convert(spec: dict[str, Any] | None, keys: dict[str, str], what: str) -> dict[str, Any] | None:
    if spec is None:
        return None
    if not isinstance(spec, dict):
        raise TypeError(f"{what} must be a dict, got {spec!r}")
    unknown = set(spec) - set(keys)
    if unknown:
        raise ValueError(f"unknown {what} key(s) {sorted(unknown)}; expected some of {sorted(keys)}")
    out: dict[str, Any] = {}
    for key, value in spec.items():
        name = keys[key]
        if key.endswith("_s"):
            out[name] = format_duration(value)
        elif key == "max_attempts":
            out[name] = int(value)
        else:
            out[name] = float(value)
    return out


def _invalid_params(err: ValidationError) -> TaskError:
    problems = []
    for e in err.errors():
        field = ".".join(str(p) for p in e.get("loc", ())) or "(params)"
        problems.append({"field": field, "message": e.get("msg", "invalid")})
    text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return TaskError("INVALID_PARAMS", f"invalid params: {text}", retryable=False, details={"errors": problems})


class Handler:
    """A task type and the async function that runs it; calling it calls the function."""

    def __init__(
        self,
        fn: Callable[..., Awaitable[Any]],
        type: str,
        *,
        params: Any = None,
        description: str = "",
        result: Any = None,
        retry_policy: dict[str, Any] | None = None,
        timeouts: dict[str, Any] | None = None,
    ) -> None:
        if not isinstance(type, str) or not TYPE_PATTERN.match(type):
            raise ValueError(f"invalid task type {type!r}: it must match {TYPE_PATTERN.pattern}")
        if not inspect.iscoroutinefunction(fn):
            raise TypeError(f"the handler of {type!r} must be an async function (async def)")
        self.fn = fn
        self.type = type
        self.description = description
        self.params_model = params if inspect.isclass(params) and issubclass(params, BaseModel) else None
        self.params_schema = _schema_of(params, "params")
        self.result_schema = _schema_of(result, "result")
        self.retry_policy = _convert(retry_policy, _RETRY_KEYS, "retry_policy")
        self.timeouts = _convert(timeouts, _TIMEOUT_KEYS, "timeouts")
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Handler {self.type!r} {getattr(self.fn, '__qualname__', self.fn)!r}>"

    def parse_params(self, raw: Any) -> Any:
        """The params the function gets: a model instance, or the dict. Raises INVALID_PARAMS."""
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            raise TaskError("INVALID_PARAMS", "invalid params: expected a JSON object", retryable=False)
        if self.params_model is None:
            return raw
        try:
            return self.params_model.model_validate(raw)
        except ValidationError as err:
            raise _invalid_params(err) from None

    def registration(self) -> dict[str, Any]:
        """This type as a proto JSON `TaskType` of RegisterWorker."""
        out: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.params_schema is not None:
            out["paramsSchema"] = self.params_schema
        if self.result_schema is not None:
            out["resultSchema"] = self.result_schema
        if self.retry_policy is not None:
            out["retryPolicy"] = self.retry_policy
        if self.timeouts is not None:
            out["timeouts"] = self.timeouts
        return out


def handler(
    type: str,
    *,
    params: Any = None,
    description: str = "",
    result: Any = None,
    retry_policy: dict[str, Any] | None = None,
    timeouts: dict[str, Any] | None = None,
) -> Callable[[Callable[..., Awaitable[Any]]], Handler]:
    """Declares `async def fn(ctx, params)` as the handler of task type `type`."""
    if not isinstance(type, str) or not TYPE_PATTERN.match(type):
        raise ValueError(f"invalid task type {type!r}: it must match {TYPE_PATTERN.pattern}")

    def decorate(fn: Callable[..., Awaitable[Any]]) -> Handler:
        return Handler(
            fn, type, params=params, description=description, result=result,
            retry_policy=retry_policy, timeouts=timeouts,
        )

    return decorate
