import subprocess
from decimal import Decimal

import pytest

from billing.errors import InvalidAmountError, TenderedTooLittleError
from billing.models import Document, DocumentPrint, LedgerTransaction, Payment
from billing.selectors import account_balance, account_money
from billing.services.documents import document_pdf, document_print
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_customer,
    ledger_account_deposit,
    ledger_account_revenue,
    transaction_post,
)
from billing.services.payments import payment_collect
from boss.models import AuditEvent
from conftest import require_os

pytestmark = pytest.mark.django_db
D = Decimal


def _bill(rep, account, amount):
    """Put the account in arrears as a bill run would."""
    transaction_post(actor=rep, kind="bill", postings=[debit(ledger_account_customer(account=account), amount),
                                                       credit(ledger_account_revenue(fee_type="monthly"), amount)])


def test_cash_payment_with_no_arrears_is_prepayment_with_a_receipt_and_change(rep, make_account):
    account = make_account()
    result = payment_collect(actor=rep, account=account, amount=D("50.00"), method="cash", tendered=D("100.00"))
    assert result.change == D("50.00") and result.prepaid == D("50.00") and result.applied_to_arrears == D("0")
    assert [d.kind for d in result.documents] == ["receipt"]
    assert result.documents[0].total == D("50.00") and result.documents[0].number == 1
    assert account_money(account).balance == D("50.00")
    assert account_balance(ledger_account_cash_drawer(staff=rep)) == D("50.00")
    assert AuditEvent.objects.filter(action="payment.collect", actor=rep).count() == 1


def test_a_payment_clears_arrears_first_with_an_invoice_and_prepays_the_rest(rep, make_account):
    account = make_account()
    _bill(rep, account, D("30.00"))
    result = payment_collect(actor=rep, account=account, amount=D("100.00"), method="bank_card")
    assert (result.applied_to_arrears, result.prepaid) == (D("30.00"), D("70.00"))
    kinds = {d.kind: d.total for d in result.documents}
    assert kinds == {"invoice": D("30.00"), "receipt": D("70.00")}
    assert result.payment.tendered is None and result.change is None
    assert account_balance(ledger_account_cash_drawer(staff=rep, method="bank_card")) == D("100.00")
    assert account_money(account).balance == D("70.00")


def test_the_result_carries_the_accounts_money_as_the_ledger_has_it_after_the_payment(rep, make_account):
    account = make_account()
    _bill(rep, account, D("80.00"))
    transaction_post(actor=rep, kind="deposit", postings=[
        debit(ledger_account_cash_drawer(staff=rep), D("100.00")), credit(ledger_account_deposit(account=account),
                                                                        D("100.00"))])
    result = payment_collect(actor=rep, account=account, amount=D("50.00"), method="cash")
    assert result.money_after == account_money(account)
    assert (result.money_after.balance, result.money_after.deposit) == (D("-30.00"), D("100.00"))


def _nothing_written():
    return (Payment.objects.count(), Document.objects.count(),
            LedgerTransaction.objects.filter(kind__startswith="payment").count())


@pytest.mark.parametrize("kwargs, error, code", [
    ({"amount": D("50.00"), "method": "cash", "tendered": D("49.99")}, TenderedTooLittleError, "tendered_too_little"),
    ({"amount": D("0"), "method": "cash"}, InvalidAmountError, "invalid_amount"),
    ({"amount": D("-5"), "method": "cash"}, InvalidAmountError, "invalid_amount"),
    ({"amount": D("5.001"), "method": "cash"}, InvalidAmountError, "invalid_amount"),
    ({"amount": D("5"), "method": "cheque"}, InvalidAmountError, "invalid_amount"),
])
def test_refusals_write_nothing(rep, make_account, kwargs, error, code):
    account = make_account()
    with pytest.raises(error) as exc:
        payment_collect(actor=rep, account=account, **kwargs)
    assert exc.value.code == code
    assert _nothing_written() == (0, 0, 0)
    assert not AuditEvent.objects.filter(action="payment.collect").exists()


def test_document_numbers_run_per_hall_and_kind(rep, make_staff, other_hall, make_account):
    rep_b = make_staff("sales_rep", username="rep_b", hall=other_hall)
    account = make_account()
    numbers = [payment_collect(actor=rep, account=account, amount=D("1.00"), method="cash").documents[0].number
               for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert payment_collect(actor=rep_b, account=account, amount=D("1.00"), method="cash").documents[0].number == 1
    _bill(rep, account, D("10.00"))
    _bill(rep, account, D("10.00"))  # balance now 4 - 20 = -16: arrears
    invoice = payment_collect(actor=rep, account=account, amount=D("16.00"), method="cash").documents[0]
    assert invoice.kind == "invoice" and invoice.number == 1
    assert invoice.display_number == f"{rep.hall.code}-FA-00000001"


def test_first_print_is_the_original_and_every_later_one_a_copy(rep, make_account):
    document = payment_collect(actor=rep, account=make_account(), amount=D("1.00"), method="cash").documents[0]
    first = document_print(actor=rep, document=document)
    second = document_print(actor=rep, document=document, reason="customer lost it")
    assert (first.copy, second.copy) == (False, True)
    assert AuditEvent.objects.filter(action="document.reprint", reason="customer lost it").count() == 1
    assert DocumentPrint.objects.count() == 2


@pytest.mark.needs_os
@require_os(binaries=["pdftotext"])
def test_the_pdf_is_chinese_with_capital_numerals_masked_name_and_copy_mark(rep, make_account, tmp_path):
    account = make_account()
    document = payment_collect(actor=rep, account=account, amount=D("1234.56"), method="cash",
                               tendered=D("1300")).documents[0]
    path = tmp_path / "receipt.pdf"
    path.write_bytes(document_pdf(document=document, copy=True))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "收据" in text and "补打" in text
    assert "壹仟贰佰叁拾肆元伍角陆分" in text
    assert document.display_number in text
    assert account.customer.name not in text  # masked: 客** only
    assert "找零" in text and "65.44" in text
    # the balance just after this payment, the same on a reprint after a later payment (issue 11 item 8)
    assert "本次缴费后余额：¥1,234.56" in text.replace(" ", "")
    later = payment_collect(actor=rep, account=account, amount=D("10.00"), method="cash").documents[0]
    path.write_bytes(document_pdf(document=document, copy=True))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "本次缴费后余额：¥1,234.56" in text.replace(" ", "")
    path.write_bytes(document_pdf(document=later, copy=False))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "本次缴费后余额：¥1,244.56" in text.replace(" ", "")


def test_the_drawer_day_matches_the_ledger_by_method(client, rep, make_account):
    from django.utils import timezone

    from billing.selectors import drawer_day

    account = make_account()
    payment_collect(actor=rep, account=account, amount=D("20.00"), method="cash", tendered=D("50"))
    payment_collect(actor=rep, account=account, amount=D("5.50"), method="cash")
    payment_collect(actor=rep, account=account, amount=D("99.00"), method="bank_card")
    rows = {r.method: r for r in drawer_day(staff=rep, day=timezone.localdate())}
    assert rows["cash"].money_in == D("25.50") and rows["bank_card"].money_in == D("99.00")
    assert all(r.matches_ledger for r in rows.values())
    client.force_login(rep)
    html = client.get("/billing/drawer/").content.decode()
    assert "¥25.50" in html and "与帐务一致" in html


def test_payment_receive_routes_fees_to_revenue_with_an_invoice_and_deposits_to_a_receipt(rep, make_account):
    from billing.services.ledger import ledger_account_deposit
    from billing.services.payments import Allocation, payment_receive

    account = make_account()
    result = payment_receive(actor=rep, account=account, method="cash", tendered=D("700"), allocations=[
        Allocation("fee", "SIM卡费", D("20.00"), fee_type="sim_card"),
        Allocation("fee", "选号费", D("50.00"), fee_type="number_selection"),
        Allocation("prepayment", "开户预存款", D("100.00")),
        Allocation("deposit", "国际漫游押金", D("500.00")),
    ])
    assert result.payment.amount == D("670.00") and result.change == D("30.00")
    documents = {d.kind: d for d in result.documents}
    assert documents["invoice"].total == D("70.00") and len(documents["invoice"].lines) == 2
    assert documents["receipt"].total == D("600.00")
    assert account_balance(ledger_account_revenue(fee_type="sim_card")) == D("20.00")
    assert account_balance(ledger_account_deposit(account=account)) == D("500.00")
    assert account_money(account).balance == D("100.00")
    assert account_balance(ledger_account_cash_drawer(staff=rep)) == D("670.00")
