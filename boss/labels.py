"""Codes a person reads, as labels (issue 11): one mechanism for screens and documents.

A stored code (a payment method, a SIM capacity, an audit action ...) is shown through `choice_label`
(Django choices: the translated label) or, in templates, the `label` filter of boss_tags with the name of
a registered set of choices. Unknown values come back unchanged so nothing is lost, and the test of issue 11
renders the demo's screens and documents looking for raw codes.
"""


CHOICES: dict[str, object] = {}  # name -> Django choices class (or a list of (value, label))


def register(name: str, choices) -> None:
    CHOICES[name] = choices


def choice_label(choices, value) -> str:
    """The label of `value` in `choices` (a TextChoices class or a list of pairs), else the value itself."""
    if value in (None, ""):
        return ""
    pairs = choices.choices if hasattr(choices, "choices") else choices
    for code, label in pairs:
        if code == value:
            return str(label)
    return str(value)


def label(name: str, value) -> str:
    """The label of `value` in the choices registered as `name` ("catalog.PaymentMethod")."""
    choices = CHOICES.get(name)
    return choice_label(choices, value) if choices is not None else str(value or "")


