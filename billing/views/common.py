"""Helpers shared by the billing screens."""

from boss.errors import DomainError


def add_domain_error(form, exc: DomainError) -> None:
    """Show a refusal at its field when the form shows that field, else above the form."""
    field = exc.field if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden else None
    form.add_error(field, str(exc.message))
