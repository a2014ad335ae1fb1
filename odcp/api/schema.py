"""Response models built from a service's frozen dataclass, for rows the API returns just
as the service describes them (an admin's appointment row, a medication line).

The field list is then written once, in the service, so the API cannot drift from it; the
model keeps its own name, so the OpenAPI document (and clients generated from it) stay as
they were. Every field is required in the response: the API always sends each one, even
where the dataclass has a default for callers that build it.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any, get_type_hints

from pydantic import BaseModel, Field, create_model


def model_of(source: type, name: str, **descriptions: str) -> Any:
    """A pydantic model called `name` with `source`'s dataclass fields (not its properties);
    `descriptions` document fields by name in the OpenAPI document.

    Typed `Any` so routers can use the result in annotations like a class statement's name.
    """
    hints = get_type_hints(source)
    fields: dict[str, Any] = {
        f.name: (hints[f.name], Field(description=descriptions.pop(f.name, None)))
        for f in dataclasses.fields(source)}
    if descriptions:
        raise TypeError(f"{source.__name__} has no field {', '.join(descriptions)}")
    caller = sys._getframe(1).f_globals["__name__"]  # the router: it owns the model
    model: type[BaseModel] = create_model(name, __module__=caller, **fields)
    return model
