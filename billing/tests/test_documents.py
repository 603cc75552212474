import threading
from decimal import Decimal

import pytest
from django.db import connection

from billing.errors import RedLetterTooLargeError
from billing.models import Document
from billing.services.documents import DocLine, document_issue, document_red_letter
from billing.services.payments import payment_collect

D = Decimal


@pytest.mark.django_db
def test_red_letter_documents_never_exceed_the_original(rep, make_account):
    original = document_issue(actor=rep, kind="invoice", lines=[DocLine("话费", D("100.00"))])
    first = document_red_letter(actor=rep, original=original, amount=D("60.00"), item="退费")
    assert first.total == D("-60.00") and first.reversal_of == original and first.kind == "invoice"
    with pytest.raises(RedLetterTooLargeError) as exc:
        document_red_letter(actor=rep, original=original, amount=D("40.01"), item="退费")
    assert exc.value.params["available"] == "40.00"
    document_red_letter(actor=rep, original=original, amount=D("40.00"), item="退费")
    assert Document.objects.filter(reversal_of=original).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_counters_get_unique_gap_free_numbers(rep, make_account):
    accounts = [make_account() for _ in range(20)]
    barrier, errors = threading.Barrier(20), []

    def pay(i):
        try:
            barrier.wait()
            payment_collect(actor=rep, account=accounts[i], amount=D("10.00"), method="cash")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(Document.objects.filter(kind="receipt").values_list("number", flat=True))
    assert numbers == list(range(1, 21))


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_change_an_issued_document(rep):
    from django.db import DatabaseError, transaction

    document = document_issue(actor=rep, kind="receipt", lines=[DocLine("预存话费", D("10.00"))])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_document SET total = 1 WHERE id = %s", [document.pk])
