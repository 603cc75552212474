"""Price quote (C1-F6): itemised, deterministic, with the catalog rows in force on the date."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.errors import FeatureUnavailableError, ProductUnavailableError
from catalog.models import Discount, OneTimeFee
from catalog.services.quote import quote_price
from catalog.tests.factories import DiscountFactory, FeatureFactory, PlanFactory
from inventory.errors import NumberNotFoundError
from inventory.selectors import number_grade

pytestmark = pytest.mark.django_db
D = Decimal
DAY = date(2026, 6, 1)


@pytest.fixture
def plan(reference):
    return PlanFactory(code="5G-128", name="5G智享128", monthly_fee=D("128.00"))


@pytest.fixture
def roaming(reference):
    return FeatureFactory(code="ROAM", name="国际漫游", kind="roaming", deposit_param="roaming.deposit")


def _lines(quote):
    return [(line.code, line.amount) for line in quote.lines]


def test_opening_with_a_premium_number_is_itemised(plan, premium):
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY,
                        grade=number_grade(msisdn=premium.msisdn),
                        sim_capacity="usim")
    assert _lines(quote) == [
        ("SIM-OPEN-USIM", D("30.00")), ("SEL-SPECIAL", D("2000.00")),
        ("open.deposit", D("100.00")), ("grade.pre_deposit", D("3000.00")),
    ]
    assert quote.total == D("5130.00")
    assert [(line.code, line.amount) for line in quote.monthly_lines] == [("5G-128", D("128.00"))]
    assert (quote.min_monthly_spend, quote.agreement_months) == (D("388.00"), 36)
    assert quote.lines[3].item == "靓号预存话费（特级靓号）"


def test_an_ordinary_number_has_no_selection_fee_nor_pre_deposit(plan, number):
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY,
                        grade=number_grade(msisdn=number.msisdn))
    assert _lines(quote) == [("open.deposit", D("100.00"))]
    assert quote.agreement_months == 0


def test_the_same_request_gives_the_same_quote(plan, premium, roaming):
    args = {"business": "open_account", "product_code": plan.code, "on_date": DAY, "grade": premium.grade,
            "sim_capacity": "128k", "features": ["ROAM"]}
    assert quote_price(**args) == quote_price(**args)


def test_deposits_come_from_the_tariff_parameters(plan, roaming, set_tariff):
    set_tariff("open.deposit", "150.00")
    set_tariff("roaming.deposit", "600.00")
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY, features=["ROAM"])
    assert _lines(quote) == [("open.deposit", D("150.00")), ("roaming.deposit", D("600.00"))]


def test_a_corporate_bank_account_pays_no_deposit_while_the_tariff_says_so(plan, roaming, premium, set_tariff):
    args = {"business": "open_account", "product_code": plan.code, "on_date": DAY, "features": ["ROAM"],
            "payment_method": "corporate", "grade": premium.grade}
    assert [c for c, _a in _lines(quote_price(**args))] == ["SEL-SPECIAL", "grade.pre_deposit"]
    set_tariff("deposit.corporate_exempt", "false")
    assert [c for c, _a in _lines(quote_price(**args))] == ["SEL-SPECIAL", "open.deposit", "grade.pre_deposit",
                                                            "roaming.deposit"]


def test_a_fee_changed_from_a_date_quotes_the_old_price_before_it(plan):
    OneTimeFee.objects.create(code="SIM-OPEN-USIM-2026", name="SIM卡费（USIM）", business="open_account",
                              kind="sim_card", sim_capacity="usim", amount=D("10.00"), valid_from=date(2026, 7, 1))
    args = {"business": "open_account", "product_code": plan.code, "sim_capacity": "usim"}
    before = quote_price(**args, on_date=date(2026, 6, 30))
    after = quote_price(**args, on_date=date(2026, 7, 1))
    assert _lines(before)[0] == ("SIM-OPEN-USIM", D("30.00"))
    assert _lines(after)[0] == ("SIM-OPEN-USIM-2026", D("10.00"))


def test_sim_replacement_quotes_its_own_fee_and_no_deposit(plan):
    quote = quote_price(business="sim_replacement", product_code=plan.code, on_date=DAY, sim_capacity="64k")
    assert _lines(quote) == [("SIM-REPL-64K", D("20.00"))]


def test_transfer_asks_the_higher_minimum_deposit_with_international_long_distance(plan, reference):
    FeatureFactory(code="LD2", kind="long_distance", level=2)
    plain = quote_price(business="transfer", product_code=plan.code, on_date=DAY)
    international = quote_price(business="transfer", product_code=plan.code, on_date=DAY, features=["LD2"])
    assert _lines(plain) == [("transfer.min_deposit", D("200.00"))]
    assert _lines(international) == [("transfer.min_deposit_international", D("500.00"))]


def test_discounts_in_force_reduce_their_charge_and_never_below_zero(plan, premium):
    DiscountFactory(code="A-HALF-SEL", business="open_account", target="number_selection", percent_off=D("50"))
    DiscountFactory(code="B-SEL-1500", business="open_account", target="number_selection", percent_off=None,
                    amount_off=D("1500.00"))
    DiscountFactory(code="C-MONTH-20", business="open_account", plan=plan, target="monthly_fee", percent_off=D("20"))
    DiscountFactory(code="D-OTHER-BIZ", business="transfer", target="monthly_fee", percent_off=D("90"))
    DiscountFactory(code="E-EXPIRED", target="monthly_fee", percent_off=D("90"), valid_until=date(2025, 12, 31))
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY,
                        grade=number_grade(msisdn=premium.msisdn))
    discounts = [(line.code, line.amount) for line in quote.lines if line.kind == "discount"]
    assert discounts == [("A-HALF-SEL", D("-1000.00")), ("B-SEL-1500", D("-1000.00"))]  # capped at what is left
    assert [(line.code, line.amount) for line in quote.monthly_lines] == [("5G-128", D("128.00")),
                                                                          ("C-MONTH-20", D("-25.60"))]
    assert quote.monthly_total == D("102.40")


def test_features_add_their_monthly_fee(plan):
    FeatureFactory(code="CLIP", name="来电显示", monthly_fee=D("5.00"))
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY, features=["CLIP"])
    assert quote.monthly_total == D("133.00")


@pytest.mark.parametrize("on_date", [date(2023, 12, 31), date(2027, 1, 1)])
def test_a_product_out_of_its_validity_is_refused(plan, on_date):
    plan.valid_until = date(2026, 12, 31)
    plan.save()
    with pytest.raises(ProductUnavailableError) as exc:
        quote_price(business="open_account", product_code=plan.code, on_date=on_date)
    assert exc.value.code == "product_unavailable" and exc.value.field == "product_code"


def test_an_inactive_or_unknown_product_is_refused(plan):
    plan.active = False
    plan.save()
    for code in (plan.code, "NOPE"):
        with pytest.raises(ProductUnavailableError):
            quote_price(business="open_account", product_code=code, on_date=DAY)


def test_an_unknown_feature_or_number_is_refused(plan):
    with pytest.raises(FeatureUnavailableError) as exc:
        quote_price(business="open_account", product_code=plan.code, on_date=DAY, features=["NOPE"])
    assert exc.value.params == {"feature": "NOPE"}
    with pytest.raises(NumberNotFoundError):
        quote_price(business="open_account", product_code=plan.code, on_date=DAY,
                    grade=number_grade(msisdn="13800000000"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(percents=st.lists(st.decimals(min_value=D("0.01"), max_value=D("100"), places=2), max_size=3),
       amounts=st.lists(st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2), max_size=3),
       capacity=st.sampled_from([None, "64k", "128k", "usim"]))
def test_the_total_is_the_sum_of_the_lines_and_no_charge_goes_below_zero(plan, premium, percents, amounts, capacity):
    Discount.objects.all().delete()
    for i, p in enumerate(percents):
        DiscountFactory(code=f"P{i}", target="sim_card", percent_off=p)
    for i, a in enumerate(amounts):
        DiscountFactory(code=f"A{i}", target="number_selection", percent_off=None, amount_off=a)
    quote = quote_price(business="open_account", product_code=plan.code, on_date=DAY,
                        grade=number_grade(msisdn=premium.msisdn),
                        sim_capacity=capacity)
    assert quote.total == sum(line.amount for line in quote.lines)
    for target in ("sim_card", "number_selection"):
        charged = sum(line.amount for line in quote.lines if line.kind == "fee" and line.code.startswith(
            "SIM" if target == "sim_card" else "SEL"))
        off = -sum(line.amount for line in quote.lines if line.kind == "discount" and line.code[0] == (
            "P" if target == "sim_card" else "A"))
        assert 0 <= off <= charged
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in quote.lines)
