"""A pydantic base for models users build in code: a bad field raises footprint's own error, not pydantic's."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError
from pydantic._internal._model_construction import ModelMetaclass

from ._errors import InputError, Problem

__all__ = ["CheckedModel", "validation_problems"]


def validation_problems(exc: ValidationError, file: str | None = None) -> list[Problem]:
    """pydantic's errors as footprint problems: the field's path, the message, the value given."""
    return [
        Problem(
            str(err["msg"]).removeprefix("Value error, "),
            file=file,
            field=".".join(str(p) for p in err["loc"]) or None,
            value=err.get("input") if isinstance(err.get("input"), int | float | str) else None,
        )
        for err in exc.errors(include_url=False)
    ]


class _CheckedMeta(ModelMetaclass):
    """Construction by hand (``Model(...)``) turns pydantic's error into the model's own; validation of
    nested data (``model_validate``) is untouched, so a parent reports its children's fields by path."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - a metaclass method gets the class
        try:
            return super().__call__(*args, **kwargs)
        except ValidationError as exc:
            error: type[InputError] = getattr(cls, "error", InputError)
            raise error(validation_problems(exc), what=cls.__name__) from None


class CheckedModel(BaseModel, metaclass=_CheckedMeta):
    """A model whose constructor raises :attr:`error` (an :class:`InputError`) listing every bad field."""

    error: ClassVar[type[InputError]] = InputError
