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
PARAM_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")

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


def _allows_array(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    if kind == "array" or (isinstance(kind, list) and "array" in kind):
        return True
    # pydantic writes Optional[list[...]] as anyOf [{"type": "array"}, {"type": "null"}]
    return any(isinstance(b, list) and any(_allows_array(x) for x in b) for b in (schema.get("anyOf"), schema.get("oneOf")))


def _check_retry_items_param(name: str | None, params_schema: dict[str, Any] | None) -> str | None:
    """The server's RegisterWorker check, made at declaration so a typo fails at import."""
    if name is None or name == "":
        return None
    if not isinstance(name, str) or not PARAM_PATTERN.match(name):
        raise ValueError(f"invalid retry_items_param {name!r}: it must match {PARAM_PATTERN.pattern}")
    properties = (params_schema or {}).get("properties")
    if isinstance(properties, dict):
        if name not in properties:
            raise ValueError(f"retry_items_param {name!r} is not a property of the params schema")
        if not _allows_array(properties[name]):
            raise ValueError(f"retry_items_param {name!r}: the params schema's {name!r} must be an array (e.g. list[str])")
    return name


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
        retry_items_param: str | None = None,
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
        self.retry_items_param = _check_retry_items_param(retry_items_param, self.params_schema)
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
        if self.retry_items_param is not None:
            out["retryItemsParam"] = self.retry_items_param
        return out


def handler(
    type: str,
    *,
    params: Any = None,
    description: str = "",
    result: Any = None,
    retry_policy: dict[str, Any] | None = None,
    timeouts: dict[str, Any] | None = None,
    retry_items_param: str | None = None,
) -> Callable[[Callable[..., Awaitable[Any]]], Handler]:
    """Declares `async def fn(ctx, params)` as the handler of task type `type`.

    `retry_items_param` names the top-level list param of the items the handler processes (and
    reports per-item failures for): RetryTask with `failed_items_only` then makes a new task
    whose list holds only the failed items.
    """
    if not isinstance(type, str) or not TYPE_PATTERN.match(type):
        raise ValueError(f"invalid task type {type!r}: it must match {TYPE_PATTERN.pattern}")

    def decorate(fn: Callable[..., Awaitable[Any]]) -> Handler:
        return Handler(
            fn, type, params=params, description=description, result=result,
            retry_policy=retry_policy, timeouts=timeouts, retry_items_param=retry_items_param,
        )

    return decorate
