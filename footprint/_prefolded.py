"""What to do with a factor folded to CO2e by its source under another GWP set than the calculation's, and the
policy wherever a caller does not choose one. Nothing heavy is imported here: the command line reads the
default when it starts."""

from __future__ import annotations

from typing import Literal

__all__ = ["DEFAULT_PREFOLDED", "PrefoldedPolicy"]

#: ``"error"`` refuses such a factor; ``"report"`` uses its CO2e unchanged and lists it in the result.
PrefoldedPolicy = Literal["error", "report"]
#: The policy everywhere a caller does not choose one (library, command line, service): use and list them.
DEFAULT_PREFOLDED: PrefoldedPolicy = "report"
