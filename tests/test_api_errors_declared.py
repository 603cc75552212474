"""Every API operation declares its error answers with the `{code, message, params}` body (issue 12 item 11),
so partners who generate a client from the schema can handle them."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.mark.django_db
def test_every_operation_declares_its_error_answers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            expected = {"400", "401", "403", "404", "429"} | ({"409", "415"} if method != "get" else set())
            declared = set(operation["responses"])
            if not expected <= declared:
                missing.append((method, path, sorted(expected - declared)))
            for status in expected & declared:
                body = operation["responses"][status]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOutput"}, (method, path, status)
    assert not missing, missing
    assert set(schema["components"]["schemas"]["ErrorOutput"]["required"]) == {"code", "message", "params"}
