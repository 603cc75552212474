"""The top-level README's API table lists every group endpoint (issue 13: "API endpoints ... list them in the
README"), so a new endpoint without its row fails here."""

import re
from pathlib import Path

from groups.api.urls import urlpatterns

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_api_table_has_every_group_endpoint():
    rows = [line for line in README.read_text().splitlines() if line.startswith("| groups")]
    assert len(rows) == 1, "no groups row in the README's API table"
    row = rows[0]
    for pattern in urlpatterns:
        route = re.sub(r"<int:pk>", "{id}", re.sub(r"<str:(\w+)>", r"{\1}", str(pattern.pattern)))
        # A row names an endpoint in full, or its stem once followed by "+ `last`, `last`" for the sub-steps.
        stem, _, last = route.rpartition("/")
        assert f" {route}`" in row or (f" {stem}/` +" in row and re.search(rf"`{re.escape(last)}`", row)), route
