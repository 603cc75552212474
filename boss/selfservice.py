"""What the hall's self-service terminal can do, for the counter's "guide to the terminal" (issue 18, seed
6.10.7): the app that serves the terminal (the portal's kiosk mode, a higher layer) registers the counter
processes a customer can do there by themselves; the counter's line screen marks them, so the rep can send
the customer to the terminal instead of keeping them at the counter."""

_PROCESSES: set[str] = set()


def terminal_processes_register(*slugs: str) -> None:
    _PROCESSES.update(slugs)


def terminal_processes() -> frozenset[str]:
    """The slugs of the line processes (orders.line_processes) a customer can do at the terminal."""
    return frozenset(_PROCESSES)
