"""docs/state-machines.md draws the work order's, billing's and the queue ticket's machines; each must show exactly the
transitions the model has (graph_transitions needs graphviz, so the diagrams are written by hand)."""

import re
from pathlib import Path

import pytest
from django.apps import apps

DOC = Path(__file__).resolve().parents[1] / "docs" / "state-machines.md"
MODELS = ["provisioning.WorkOrder", "billing.UsageImport", "billing.BillRun", "billing.BillRunChunk",
          "billing.ArrearsCase", "billing.BankCollectionBatch", "billing.BankCollectionItem", "hall.Ticket"]


def _diagrams() -> dict[str, set]:
    text = DOC.read_text(encoding="utf-8")
    out = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        label = section.split("\n", 1)[0].strip()
        out[label] = {m.groups() for m in re.finditer(r"^\s+(\w+) --> (\w+): (\w+)", section, re.M)}
    return out


@pytest.mark.parametrize("label", MODELS)
def test_the_documented_machine_is_the_models(label):
    model = apps.get_model(label)
    field = "state" if label in ("provisioning.WorkOrder", "hall.Ticket") else "status"
    edges = {(t.source, t.target, t.name) for t in getattr(model(), f"get_all_{field}_transitions")()}
    assert _diagrams()[label] == edges   # the [*] edges (creation, final states) are not transitions
