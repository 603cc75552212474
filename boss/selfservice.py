"""What the hall's self-service terminal can do, for the counter's "guide to the terminal" (issue 18, seed
6.10.7): the app that serves the terminal (the portal's kiosk mode, a higher layer) registers the counter
services a customer can do there by themselves (a line process's slug, orders.line_processes, or a query
such as "itemised-bill"); the counter's line screen marks them, so the rep can send the customer to the
terminal instead of keeping them at the counter."""

_PROCESSES: set[str] = set()


def terminal_processes_register(*slugs: str) -> None:
    _PROCESSES.update(slugs)


def terminal_processes() -> frozenset[str]:
    """The slugs of the services (line processes or queries) a customer can do at the terminal."""
    return frozenset(_PROCESSES)
